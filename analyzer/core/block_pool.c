/* block_pool.c — see block_pool.h. */
#include "block_pool.h"

#include <string.h>

void
sc_block_pool_init (ScBlockPool *pool, gsize block_size, guint spare_max)
{
    pool->block_size = block_size;
    pool->spare_max = spare_max;
    pool->spare = g_ptr_array_new_with_free_func (g_free);
}

void
sc_block_pool_clear (ScBlockPool *pool)
{
    if (pool->spare)
        g_ptr_array_unref (pool->spare);
    pool->spare = NULL;
}

gpointer
sc_block_pool_acquire (ScBlockPool *pool, gsize size, gsize zeroed, ScBlockPool **owner)
{
    g_assert (zeroed <= size);
    if (size > pool->block_size) {
        *owner = NULL;
        return g_malloc0 (size);
    }
    *owner = pool;
    GPtrArray *spare = pool->spare;
    gpointer block = spare->len ? g_ptr_array_steal_index_fast (spare, spare->len - 1)
                                : g_malloc (pool->block_size);
    memset (block, 0, zeroed);
    return block;
}

void
sc_block_pool_release (ScBlockPool *owner, gpointer block)
{
    if (!block)
        return;
    if (owner && owner->spare->len < owner->spare_max)
        g_ptr_array_add (owner->spare, block);
    else
        g_free (block);
}
