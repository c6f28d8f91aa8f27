/* tls_decrypt.c — see tls_decrypt.h. The ciphers are libgcrypt's; only the TLS framing (key
 * expansion, nonces, additional data) is written here. */
#include "tls_decrypt.h"

#include <gcrypt.h>
#include <string.h>

#define SC_TLS_RANDOM_LEN 32
#define SC_TLS12_MASTER_LEN 48
#define SC_AEAD_TAG_LEN 16
#define SC_GCM_EXPLICIT_NONCE_LEN 8

typedef struct {
    guint16 suite;
    int cipher; /* GCRY_CIPHER_* */
    int mode;   /* GCRY_CIPHER_MODE_GCM, _POLY1305 or _CBC */
    gsize key_len;
    gsize iv_len; /* fixed IV: 4 (GCM salt, RFC 5288), 12 (ChaCha20, RFC 7905), 0 (CBC) */
    int prf_hash; /* GCRY_MAC_HMAC_SHA256 or _SHA384 */
    int mac;      /* CBC: the record MAC (GCRY_MAC_HMAC_SHA1/256/384); 0 for AEAD */
} ScAeadSuite;

/* TLS 1.3's suites (RFC 8446 §B.4): the fixed IV is 12 bytes, the hash that of the suite. */
static const ScAeadSuite suites13[] = {
    {0x1301, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_GCM, 16, 12, GCRY_MAC_HMAC_SHA256, 0},
    {0x1302, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 32, 12, GCRY_MAC_HMAC_SHA384, 0},
    {0x1303, GCRY_CIPHER_CHACHA20, GCRY_CIPHER_MODE_POLY1305, 32, 12, GCRY_MAC_HMAC_SHA256, 0},
};

/* The AEAD suites of TLS 1.2 that SIP stacks negotiate. */
static const ScAeadSuite suites[] = {
    {0x009C, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_GCM, 16, 4, GCRY_MAC_HMAC_SHA256, 0},
    {0x009D, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 32, 4, GCRY_MAC_HMAC_SHA384, 0},
    {0x009E, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_GCM, 16, 4, GCRY_MAC_HMAC_SHA256, 0},
    {0x009F, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 32, 4, GCRY_MAC_HMAC_SHA384, 0},
    {0xC02B, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_GCM, 16, 4, GCRY_MAC_HMAC_SHA256, 0},
    {0xC02C, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 32, 4, GCRY_MAC_HMAC_SHA384, 0},
    {0xC02F, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_GCM, 16, 4, GCRY_MAC_HMAC_SHA256, 0},
    {0xC030, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_GCM, 32, 4, GCRY_MAC_HMAC_SHA384, 0},
    {0xCCA8, GCRY_CIPHER_CHACHA20, GCRY_CIPHER_MODE_POLY1305, 32, 12, GCRY_MAC_HMAC_SHA256, 0},
    {0xCCA9, GCRY_CIPHER_CHACHA20, GCRY_CIPHER_MODE_POLY1305, 32, 12, GCRY_MAC_HMAC_SHA256, 0},
    {0xCCAA, GCRY_CIPHER_CHACHA20, GCRY_CIPHER_MODE_POLY1305, 32, 12, GCRY_MAC_HMAC_SHA256, 0},
    /* CBC with HMAC (RFC 5246 §6.2.3.2; RFC 7366 when encrypt-then-MAC was agreed). */
    {0x002F, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 16, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA1},
    {0x0035, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_CBC, 32, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA1},
    {0x003C, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 16, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA256},
    {0x003D, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_CBC, 32, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA256},
    {0xC009, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 16, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA1},
    {0xC00A, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_CBC, 32, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA1},
    {0xC013, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 16, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA1},
    {0xC014, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_CBC, 32, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA1},
    {0xC023, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 16, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA256},
    {0xC024, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_CBC, 32, 0, GCRY_MAC_HMAC_SHA384,
     GCRY_MAC_HMAC_SHA384},
    {0xC027, GCRY_CIPHER_AES128, GCRY_CIPHER_MODE_CBC, 16, 0, GCRY_MAC_HMAC_SHA256,
     GCRY_MAC_HMAC_SHA256},
    {0xC028, GCRY_CIPHER_AES256, GCRY_CIPHER_MODE_CBC, 32, 0, GCRY_MAC_HMAC_SHA384,
     GCRY_MAC_HMAC_SHA384},
};

typedef struct {
    gboolean protected_; /* ChangeCipherSpec sent (1.2), or after the ServerHello (1.3) */
    guint64 seq;
    gcry_cipher_hd_t hd;
    guint8 iv[12];
    guint8 mac_key[48]; /* CBC suites */
    /* TLS 1.3: the traffic secret in use (handshake, then application, then updates). */
    guint8 secret[48];
    gboolean application;
} ScTlsDirection;

struct ScTlsSession {
    const ScTlsKeylog *kl;
    gboolean have_client_random, have_server_hello;
    int client_side;
    guint8 client_random[SC_TLS_RANDOM_LEN], server_random[SC_TLS_RANDOM_LEN];
    guint16 version, suite_id;
    gboolean encrypt_then_mac;
    const ScAeadSuite *suite;
    const ScTls13Secrets *secrets13; /* TLS 1.3, from the key log */
    gboolean keyed, failed;
    const char *status;
    ScTlsDirection dir[2]; /* by side */
};

/* The suite @id in @table (@n entries), NULL when it is not there. */
static const ScAeadSuite *
find_suite (const ScAeadSuite *table, gsize n, guint16 id)
{
    for (gsize i = 0; i < n; i++)
        if (table[i].suite == id)
            return &table[i];
    return NULL;
}

/* The 64-bit record sequence number in network order (RFC 5246 §6.2.3.1, RFC 8446 §5.3). */
static void
put_seq (guint8 out[8], guint64 seq)
{
    for (int i = 0; i < 8; i++)
        out[i] = (guint8)(seq >> (56 - 8 * i));
}

/* TLS 1.2's MAC input and AEAD additional data (RFC 5246 §6.2.3.1, §6.2.3.3): sequence number,
 * the record's type and version, and @len. */
static void
put_record_header (guint8 out[13], guint64 seq, const guint8 *rec, gsize len)
{
    put_seq (out, seq);
    out[8] = rec[0];
    out[9] = rec[1];
    out[10] = rec[2];
    out[11] = (guint8)(len >> 8);
    out[12] = (guint8)len;
}

/* TLS 1.3 and ChaCha20 in TLS 1.2: the fixed IV XOR the left-padded sequence number. */
static void
xor_nonce (guint8 nonce[12], const guint8 iv[12], guint64 seq)
{
    guint8 s8[8];
    put_seq (s8, seq);
    memcpy (nonce, iv, 12);
    for (int i = 0; i < 8; i++)
        nonce[4 + i] ^= s8[i];
}

static void
crypto_init (void)
{
    if (!gcry_control (GCRYCTL_INITIALIZATION_FINISHED_P)) {
        gcry_check_version (NULL);
        gcry_control (GCRYCTL_DISABLE_SECMEM, 0);
        gcry_control (GCRYCTL_INITIALIZATION_FINISHED, 0);
    }
}

ScTlsSession *
sc_tls_session_new (const ScTlsKeylog *kl)
{
    crypto_init ();
    ScTlsSession *s = g_new0 (ScTlsSession, 1);
    s->kl = kl;
    s->client_side = -1;
    s->status = "handshake not captured";
    return s;
}

void
sc_tls_session_free (ScTlsSession *s)
{
    if (!s)
        return;
    for (int i = 0; i < 2; i++)
        if (s->dir[i].hd)
            gcry_cipher_close (s->dir[i].hd);
    g_free (s);
}

/* RFC 5246 §5: P_hash (secret, label + seed) into @out (@n bytes). */
static gboolean
prf (int mac_algo, const guint8 *secret, gsize secret_len, const char *label, const guint8 *seed,
     gsize seed_len, guint8 *out, gsize n)
{
    gsize label_len = strlen (label), ls_len = label_len + seed_len;
    g_autofree guint8 *ls = g_malloc (ls_len);
    memcpy (ls, label, label_len);
    memcpy (ls + label_len, seed, seed_len);
    guint8 a[64], block[64];
    gsize hlen = gcry_mac_get_algo_maclen (mac_algo);
    gcry_mac_hd_t h;
    if (gcry_mac_open (&h, mac_algo, 0, NULL) || gcry_mac_setkey (h, secret, secret_len))
        return FALSE;
    /* A(1) = HMAC (secret, label + seed) */
    gsize alen = hlen;
    gcry_mac_write (h, ls, ls_len);
    gcry_mac_read (h, a, &alen);
    for (gsize done = 0; done < n;) {
        gcry_mac_reset (h);
        gcry_mac_write (h, a, hlen);
        gcry_mac_write (h, ls, ls_len);
        gsize blen = hlen;
        gcry_mac_read (h, block, &blen);
        gsize take = MIN (hlen, n - done);
        memcpy (out + done, block, take);
        done += take;
        gcry_mac_reset (h); /* A(i+1) = HMAC (secret, A(i)) */
        gcry_mac_write (h, a, hlen);
        alen = hlen;
        gcry_mac_read (h, a, &alen);
    }
    gcry_mac_close (h);
    return TRUE;
}

/* RFC 8446 §7.1: HKDF-Expand-Label (secret, label, "", n) for n up to the hash's length (one
 * HMAC block: keys, IVs and updated secrets all fit). */
static gboolean
hkdf_expand_label (int mac_algo, const guint8 *secret, gsize secret_len, const char *label,
                   guint8 *out, gsize n)
{
    guint8 info[2 + 1 + 6 + 32 + 1 + 1];
    gsize l = strlen (label), at = 0;
    info[at++] = (guint8)(n >> 8);
    info[at++] = (guint8)n;
    info[at++] = (guint8)(6 + l);
    memcpy (info + at, "tls13 ", 6);
    at += 6;
    memcpy (info + at, label, l);
    at += l;
    info[at++] = 0; /* empty context */
    info[at++] = 1; /* T(1) */
    guint8 t[64];
    gsize tlen = sizeof t;
    gcry_mac_hd_t h;
    if (gcry_mac_open (&h, mac_algo, 0, NULL) || gcry_mac_setkey (h, secret, secret_len)) {
        return FALSE;
    }
    gcry_mac_write (h, info, at);
    gcry_mac_read (h, t, &tlen);
    gcry_mac_close (h);
    if (n > tlen)
        return FALSE;
    memcpy (out, t, n);
    return TRUE;
}

/* TLS 1.3: the keys of @d from its traffic secret (already in d->secret); sequence 0. */
static gboolean
key_direction13 (ScTlsSession *s, ScTlsDirection *d)
{
    gsize hash_len = gcry_mac_get_algo_maclen (s->suite->prf_hash);
    guint8 key[32];
    if (!hkdf_expand_label (s->suite->prf_hash, d->secret, hash_len, "key", key,
                            s->suite->key_len) ||
        !hkdf_expand_label (s->suite->prf_hash, d->secret, hash_len, "iv", d->iv, 12))
        return FALSE;
    if (!d->hd && gcry_cipher_open (&d->hd, s->suite->cipher, s->suite->mode, 0))
        return FALSE;
    if (gcry_cipher_setkey (d->hd, key, s->suite->key_len))
        return FALSE;
    d->seq = 0;
    return TRUE;
}

/* TLS 1.3 after the ServerHello: both sides protect their records with the handshake secrets. */
static void
derive_keys13 (ScTlsSession *s)
{
    s->suite = find_suite (suites13, G_N_ELEMENTS (suites13), s->suite_id);
    if (!s->suite) {
        s->status = "unsupported cipher suite";
        return;
    }
    s->secrets13 = sc_tls_keylog_tls13 (s->kl, s->client_random);
    gsize hash_len = gcry_mac_get_algo_maclen (s->suite->prf_hash);
    if (!s->secrets13 || s->secrets13->len[SC_TLS13_CLIENT_HANDSHAKE] != hash_len ||
        s->secrets13->len[SC_TLS13_SERVER_HANDSHAKE] != hash_len) {
        s->status = "no key for this session";
        return;
    }
    for (int role = 0; role < 2; role++) { /* 0: client, 1: server */
        ScTlsDirection *d = &s->dir[role == 0 ? s->client_side : 1 - s->client_side];
        memcpy (
            d->secret,
            s->secrets13->secret[role == 0 ? SC_TLS13_CLIENT_HANDSHAKE : SC_TLS13_SERVER_HANDSHAKE],
            hash_len);
        if (!key_direction13 (s, d)) {
            s->status = "unsupported cipher suite";
            return;
        }
        d->protected_ = TRUE;
    }
    s->keyed = TRUE;
    s->status = "decrypted";
}

/* Both hellos are in: find the suite and the master secret, expand the keys. */
static void
derive_keys (ScTlsSession *s)
{
    if (!s->have_client_random || !s->have_server_hello || s->client_side < 0)
        return;
    if (s->version == 0x0304) {
        derive_keys13 (s);
        return;
    }
    s->suite = find_suite (suites, G_N_ELEMENTS (suites), s->suite_id);
    if (!s->suite) {
        s->status = "unsupported cipher suite";
        return;
    }
    const guint8 *master = sc_tls_keylog_master_secret (s->kl, s->client_random);
    if (!master) {
        s->status = "no key for this session";
        return;
    }
    /* RFC 5246 §6.3: key_block = PRF (master, "key expansion", server_random + client_random):
     * client MAC key, server MAC key (CBC only), client key, server key, client IV, server IV
     * (AEAD only: CBC records carry their own IV). */
    guint8 seed[2 * SC_TLS_RANDOM_LEN], block[2 * 48 + 2 * 32 + 2 * 12];
    memcpy (seed, s->server_random, SC_TLS_RANDOM_LEN);
    memcpy (seed + SC_TLS_RANDOM_LEN, s->client_random, SC_TLS_RANDOM_LEN);
    gsize m = s->suite->mac ? gcry_mac_get_algo_maclen (s->suite->mac) : 0;
    gsize k = s->suite->key_len, v = s->suite->iv_len;
    if (!prf (s->suite->prf_hash, master, SC_TLS12_MASTER_LEN, "key expansion", seed, sizeof seed,
              block, 2 * m + 2 * k + 2 * v))
        return;
    for (int role = 0; role < 2; role++) { /* 0: client, 1: server */
        ScTlsDirection *d = &s->dir[role == 0 ? s->client_side : 1 - s->client_side];
        if (d->hd)
            gcry_cipher_close (d->hd);
        d->hd = NULL;
        if (gcry_cipher_open (&d->hd, s->suite->cipher, s->suite->mode, 0) ||
            gcry_cipher_setkey (d->hd, block + 2 * m + role * k, k)) {
            s->status = "unsupported cipher suite";
            return;
        }
        memcpy (d->mac_key, block + role * m, m);
        memcpy (d->iv, block + 2 * m + 2 * k + role * v, v);
    }
    s->keyed = TRUE;
    s->status = "decrypted";
}

void
sc_tls_session_hello (ScTlsSession *s, int side, const ScTlsHandshake *hs)
{
    if (hs->type == SC_TLS_CLIENT_HELLO) {
        memcpy (s->client_random, hs->random, SC_TLS_RANDOM_LEN);
        s->have_client_random = TRUE;
        s->client_side = side;
    } else if (hs->type == SC_TLS_SERVER_HELLO) {
        memcpy (s->server_random, hs->random, SC_TLS_RANDOM_LEN);
        s->suite_id = hs->cipher_suite;
        s->encrypt_then_mac = hs->encrypt_then_mac;
        s->version = hs->version;
        s->have_server_hello = TRUE;
        derive_keys (s);
    }
}

void
sc_tls_session_cipher_changed (ScTlsSession *s, int side)
{
    if (s->version == 0x0304)
        return; /* RFC 8446 §5: a middlebox-compatibility record, nothing changes */
    s->dir[side].protected_ = TRUE;
    s->dir[side].seq = 0;
}

void
sc_tls_session_handshake_message (ScTlsSession *s, int side, guint8 type)
{
    if (s->version != 0x0304 || !s->keyed)
        return;
    ScTlsDirection *d = &s->dir[side];
    gsize hash_len = gcry_mac_get_algo_maclen (s->suite->prf_hash);
    if (type == 20 && !d->application) {
        /* Finished: this side's next records use its application traffic secret 0. */
        ScTls13Secret which =
            side == s->client_side ? SC_TLS13_CLIENT_APPLICATION : SC_TLS13_SERVER_APPLICATION;
        if (s->secrets13->len[which] != hash_len) {
            s->status = "no key for this session";
            s->keyed = FALSE;
            return;
        }
        memcpy (d->secret, s->secrets13->secret[which], hash_len);
        d->application = TRUE;
        key_direction13 (s, d);
    } else if (type == 24 && d->application) {
        /* KeyUpdate (§4.6.3): the next secret from this one, and keys from it. */
        guint8 next[48];
        if (hkdf_expand_label (s->suite->prf_hash, d->secret, hash_len, "traffic upd", next,
                               hash_len)) {
            memcpy (d->secret, next, hash_len);
            key_direction13 (s, d);
        }
    }
}

/* TLS 1.3 (RFC 8446 §5.2, §5.3): nonce = IV XOR sequence, additional data = the record
 * header; the plaintext ends with its real content type, then zero padding. */
static gboolean
decrypt13 (ScTlsSession *s, ScTlsDirection *d, const guint8 *rec, gsize len, guint8 *out,
           gsize *out_len, guint8 *inner_type)
{
    if (rec[0] != 23 || len < 5 + SC_AEAD_TAG_LEN + 1)
        return FALSE; /* only application_data records are protected */
    gsize ct_len = len - 5 - SC_AEAD_TAG_LEN;
    guint64 seq = d->seq++;
    guint8 nonce[12];
    xor_nonce (nonce, d->iv, seq);
    if (gcry_cipher_reset (d->hd) || gcry_cipher_setiv (d->hd, nonce, sizeof nonce) ||
        gcry_cipher_authenticate (d->hd, rec, 5) ||
        gcry_cipher_decrypt (d->hd, out, ct_len, rec + 5, ct_len) ||
        gcry_cipher_checktag (d->hd, rec + 5 + ct_len, SC_AEAD_TAG_LEN)) {
        if (!s->failed && seq == 0)
            s->status = "records do not authenticate";
        s->failed = TRUE;
        return FALSE;
    }
    gsize n = ct_len;
    while (n > 0 && out[n - 1] == 0)
        n--;
    if (n == 0)
        return FALSE; /* all padding: no content type */
    *inner_type = out[n - 1];
    *out_len = n - 1;
    return TRUE;
}

/* HMAC (mac_key, seq + type + version + length + @a + @b) compared with @mac (RFC 5246
 * §6.2.3.1; RFC 7366 §3 MACs the IV and ciphertext instead of the plaintext). */
static gboolean
mac_ok (ScTlsSession *s, ScTlsDirection *d, guint64 seq, const guint8 *rec, const guint8 *a,
        gsize a_len, const guint8 *b, gsize b_len, const guint8 *mac)
{
    gsize m = gcry_mac_get_algo_maclen (s->suite->mac);
    guint8 hdr[13], want[48];
    put_record_header (hdr, seq, rec, a_len + b_len);
    gcry_mac_hd_t h;
    gsize wl = sizeof want;
    if (gcry_mac_open (&h, s->suite->mac, 0, NULL) || gcry_mac_setkey (h, d->mac_key, m))
        return FALSE;
    gcry_mac_write (h, hdr, sizeof hdr);
    if (a_len)
        gcry_mac_write (h, a, a_len);
    if (b_len)
        gcry_mac_write (h, b, b_len);
    gcry_mac_read (h, want, &wl);
    gcry_mac_close (h);
    return wl == m && memcmp (want, mac, m) == 0;
}

/* TLS 1.2 CBC: the record's IV (16) and the ciphertext; MAC then encrypt (plaintext, MAC,
 * padding, padding length), or with RFC 7366 encrypt then MAC (the MAC follows the ciphertext). */
static gboolean
decrypt_cbc (ScTlsSession *s, ScTlsDirection *d, const guint8 *rec, gsize len, guint8 *out,
             gsize *out_len)
{
    gsize m = gcry_mac_get_algo_maclen (s->suite->mac), frag_len = len - 5;
    const guint8 *frag = rec + 5;
    guint64 seq = d->seq++;
    if (frag_len < 16 + 16 + (s->encrypt_then_mac ? m : 0))
        return FALSE;
    gsize ct_len = frag_len - 16 - (s->encrypt_then_mac ? m : 0);
    if (ct_len % 16 != 0)
        return FALSE;
    if (s->encrypt_then_mac &&
        !mac_ok (s, d, seq, rec, frag, 16, frag + 16, ct_len, frag + 16 + ct_len))
        return FALSE;
    if (gcry_cipher_reset (d->hd) || gcry_cipher_setiv (d->hd, frag, 16) ||
        gcry_cipher_decrypt (d->hd, out, ct_len, frag + 16, ct_len))
        return FALSE;
    gsize pad = out[ct_len - 1];
    if (pad + 1 > ct_len)
        return FALSE;
    gsize n = ct_len - pad - 1;
    if (!s->encrypt_then_mac) {
        if (n < m)
            return FALSE;
        n -= m;
        if (!mac_ok (s, d, seq, rec, out, n, NULL, 0, out + n))
            return FALSE;
    }
    *out_len = n;
    return TRUE;
}

gboolean
sc_tls_session_decrypt (ScTlsSession *s, int side, const guint8 *rec, gsize len, guint8 *out,
                        gsize *out_len, guint8 *inner_type)
{
    ScTlsDirection *d = &s->dir[side];
    if (!s->keyed || !d->protected_ || !d->hd || len < 5)
        return FALSE;
    if (s->version == 0x0304)
        return decrypt13 (s, d, rec, len, out, out_len, inner_type);
    *inner_type = rec[0];
    if (s->suite->mode == GCRY_CIPHER_MODE_CBC) {
        if (decrypt_cbc (s, d, rec, len, out, out_len))
            return TRUE;
        if (!s->failed && d->seq == 1)
            s->status = "records do not authenticate";
        s->failed = TRUE;
        return FALSE;
    }
    const guint8 *frag = rec + 5;
    gsize frag_len = len - 5;
    gboolean gcm = s->suite->mode == GCRY_CIPHER_MODE_GCM;
    gsize explicit = gcm ? SC_GCM_EXPLICIT_NONCE_LEN : 0;
    if (frag_len < explicit + SC_AEAD_TAG_LEN)
        return FALSE;
    gsize plain_len = frag_len - explicit - SC_AEAD_TAG_LEN;
    guint64 seq = d->seq++;
    guint8 nonce[12];
    if (gcm) { /* RFC 5288 §3: salt (4) + the record's explicit nonce (8) */
        memcpy (nonce, d->iv, 4);
        memcpy (nonce + 4, frag, 8);
    } else { /* RFC 7905 §2: the fixed IV XOR the sequence number, left-padded */
        xor_nonce (nonce, d->iv, seq);
    }
    guint8 aad[13];
    put_record_header (aad, seq, rec, plain_len);
    if (gcry_cipher_reset (d->hd) || gcry_cipher_setiv (d->hd, nonce, sizeof nonce) ||
        gcry_cipher_authenticate (d->hd, aad, sizeof aad) ||
        gcry_cipher_decrypt (d->hd, out, plain_len, frag + explicit, plain_len) ||
        gcry_cipher_checktag (d->hd, frag + explicit + plain_len, SC_AEAD_TAG_LEN)) {
        if (!s->failed && seq == 0)
            s->status = "records do not authenticate";
        s->failed = TRUE;
        return FALSE;
    }
    *out_len = plain_len;
    return TRUE;
}

const char *
sc_tls_session_status (const ScTlsSession *s)
{
    return s->status;
}
