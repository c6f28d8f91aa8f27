/* Unit tests of the core's block pool: blocks come back for reuse, zeroed only where asked,
 * oversized ones stand alone, and the spares stay within their maximum. */
#include "block_pool.h"

#include <string.h>

static void
test_block_pool_reuse (void)
{
    ScBlockPool pool;
    sc_block_pool_init (&pool, 64, 2);
    ScBlockPool *owner = NULL;
    guint8 *a = sc_block_pool_acquire (&pool, 40, 16, &owner);
    g_assert_true (owner == &pool);
    memset (a, 0xAB, 40);
    sc_block_pool_release (owner, a);
    g_assert_cmpuint (pool.spare->len, ==, 1);
    guint8 *b = sc_block_pool_acquire (&pool, 64, 16, &owner);
    g_assert_true (b == a); /* the same memory, no allocation */
    for (int i = 0; i < 16; i++)
        g_assert_cmpint (b[i], ==, 0);
    g_assert_cmpint (b[16], ==, 0xAB); /* beyond what was asked zeroed: left as it was */
    g_assert_cmpuint (pool.spare->len, ==, 0);
    sc_block_pool_release (owner, b);
    sc_block_pool_clear (&pool);
}

static void
test_block_pool_oversized_and_cap (void)
{
    ScBlockPool pool;
    sc_block_pool_init (&pool, 32, 2);
    ScBlockPool *owner = &pool;
    guint8 *big = sc_block_pool_acquire (&pool, 33, 33, &owner);
    g_assert_null (owner);
    for (int i = 0; i < 33; i++)
        g_assert_cmpint (big[i], ==, 0);
    sc_block_pool_release (owner, big); /* freed, not kept */
    g_assert_cmpuint (pool.spare->len, ==, 0);
    gpointer blocks[3];
    for (int i = 0; i < 3; i++)
        blocks[i] = sc_block_pool_acquire (&pool, 32, 0, &owner);
    for (int i = 0; i < 3; i++)
        sc_block_pool_release (owner, blocks[i]);
    g_assert_cmpuint (pool.spare->len, ==, 2); /* the third was freed */
    sc_block_pool_release (owner, NULL);
    g_assert_cmpuint (pool.spare->len, ==, 2);
    sc_block_pool_clear (&pool);
}

int
main (int argc, char **argv)
{
    g_test_init (&argc, &argv, NULL);
    g_test_add_func ("/block-pool/reuse", test_block_pool_reuse);
    g_test_add_func ("/block-pool/oversized-and-cap", test_block_pool_oversized_and_cap);
    return g_test_run ();
}
