/* block_pool.h — heap blocks of one size recycled instead of freed, for short-lived objects that
 * come and go with the traffic (transactions, what a REGISTER asked for): once as many blocks
 * exist as are live at once, a steady stream of them allocates nothing. */
#pragma once

#include <glib.h>

typedef struct {
    gsize block_size; /* bytes of every block of the pool */
    guint spare_max;  /* ended blocks kept for reuse at most; beyond, they are freed */
    GPtrArray *spare; /* the ended blocks kept (owned) */
} ScBlockPool;

void sc_block_pool_init (ScBlockPool *pool, gsize block_size, guint spare_max);

/* Frees the spare blocks; the blocks in use are their holders' to release first. */
void sc_block_pool_clear (ScBlockPool *pool);

/* A block of at least @size bytes whose first @zeroed bytes are zero (the rest is left as the
 * last user left it). *@owner is set to @pool when the block is one of the pool's, to NULL when
 * @size is larger than the pool's blocks and it was allocated on its own. The block is the
 * caller's until it passes it and *@owner to sc_block_pool_release (). */
gpointer sc_block_pool_acquire (ScBlockPool *pool, gsize size, gsize zeroed, ScBlockPool **owner);

/* Ends @block: kept for reuse by @owner while it holds fewer than its maximum, freed otherwise
 * (and when @owner is NULL). NULL @block: nothing. */
void sc_block_pool_release (ScBlockPool *owner, gpointer block);
