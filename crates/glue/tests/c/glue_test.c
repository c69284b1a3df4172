/*
 * glue_test.c: exercises libmultisig_glue.a from C, linked as the client links it.
 *
 *   gcc -std=c11 -I crates/glue/include crates/glue/tests/c/glue_test.c libmultisig_glue.a \
 *       -lgcc_s -lutil -lrt -lpthread -lm -ldl -lc -o glue_test
 *   ./glue_test ../shared/vectors              (normal run: every check below)
 *   MULTISIG_ISA=bogus ./glue_test --bad-isa ../shared/vectors   (hashing returns errors)
 *   MULTISIG_ISA=avx512 ./glue_test --probe    (exit 0 if this CPU has it, 3 if not)
 *
 * Checks: leanMultisig's prod and test vectors, key generation from a seed (deterministic),
 * SSZ round trips, signing and verification, the -2 buffer protocol, concurrent calls from
 * several threads on shared handles, bad inputs (NULL, wrong lengths, garbage, wrong handle
 * types) returning error codes, and aggregation: the leanMultisig vector's signature and one
 * by the generated key on the same message and slot, aggregated through both generations
 * (identical bytes, the -2 protocol), verified, rejected for another slot, message or key
 * order, aggregated and verified from several threads at once, bad inputs; recursion: a
 * child folded into a Type-1 in both generations, three levels, Type-2 merges verified, a
 * component split back out. Prints "N passed, N failed" and exits non-zero on any
 * failure.
 */
#define _POSIX_C_SOURCE 200809L
#include "multisig_glue.h"

#include <pthread.h>
#include <stdio.h>
#include <stdlib.h>
#include <string.h>
#include <time.h>

static int passed, failed;

#define CHECK(cond)                                                                   \
    do {                                                                              \
        if (cond) {                                                                   \
            passed++;                                                                 \
        } else {                                                                      \
            failed++;                                                                 \
            fprintf(stderr, "FAIL %s:%d: %s\n", __FILE__, __LINE__, #cond);         \
        }                                                                             \
    } while (0)

static double now(void) {
    struct timespec ts;
    clock_gettime(CLOCK_MONOTONIC, &ts);
    return ts.tv_sec + ts.tv_nsec / 1e9;
}

/* ---- the JSON vectors: flat objects of hex strings and numbers ---- */

typedef struct {
    uint8_t pk[52];
    size_t pk_len;
    uint8_t msg[32];
    uint32_t slot;
    uint8_t *sig;
    size_t sig_len;
} Vector;

static char *read_file(const char *path) {
    FILE *f = fopen(path, "rb");
    if (!f) {
        fprintf(stderr, "cannot open %s\n", path);
        exit(2);
    }
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    char *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
    buf[n] = 0;
    fclose(f);
    return buf;
}

/* Points after `"key":` and any spaces and opening quote. */
static const char *json_value(const char *json, const char *key) {
    char pat[64];
    snprintf(pat, sizeof pat, "\"%s\"", key);
    const char *p = strstr(json, pat);
    if (!p) {
        fprintf(stderr, "no %s in vector\n", key);
        exit(2);
    }
    p = strchr(p + strlen(pat), ':') + 1;
    while (*p == ' ' || *p == '"') p++;
    return p;
}

static int hexval(char c) {
    if (c >= '0' && c <= '9') return c - '0';
    if (c >= 'a' && c <= 'f') return c - 'a' + 10;
    if (c >= 'A' && c <= 'F') return c - 'A' + 10;
    return -1;
}

/* Decodes a "0x..." hex string into a fresh buffer. */
static uint8_t *json_hex(const char *json, const char *key, size_t *len) {
    const char *p = json_value(json, key);
    if (p[0] == '0' && p[1] == 'x') p += 2;
    size_t n = 0;
    while (hexval(p[n]) >= 0) n++;
    uint8_t *out = malloc(n / 2 + 1);
    for (size_t i = 0; i < n / 2; i++) out[i] = (uint8_t)(hexval(p[2 * i]) * 16 + hexval(p[2 * i + 1]));
    *len = n / 2;
    return out;
}

static Vector load_vector(const char *dir, const char *file) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, file);
    char *json = read_file(path);
    Vector v;
    size_t n;
    uint8_t *b = json_hex(json, "public_key", &n);
    if (n != 52) exit(2);
    memcpy(v.pk, b, 52);
    v.pk_len = 52;
    free(b);
    b = json_hex(json, "message", &n);
    if (n != 32) exit(2);
    memcpy(v.msg, b, 32);
    free(b);
    v.slot = (uint32_t)strtoul(json_value(json, "slot"), NULL, 10);
    v.sig = json_hex(json, "signature_ssz", &v.sig_len);
    free(json);
    return v;
}

/* ---- checks ---- */

static void check_vectors(const Vector *prod, const Vector *test) {
    CHECK(prod->sig_len == 2536 && test->sig_len == 424);
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, prod->sig, prod->sig_len) == 1);
    CHECK(hashsig_test_verify_ssz(test->pk, 52, test->msg, test->slot, test->sig, test->sig_len) == 1);
    /* Valid bytes, wrong statement: invalid (0). */
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot + 1, prod->sig, prod->sig_len) == 0);
    uint8_t msg[32];
    memcpy(msg, prod->msg, 32);
    msg[0] ^= 1;
    CHECK(hashsig_verify_ssz(prod->pk, 52, msg, prod->slot, prod->sig, prod->sig_len) == 0);
    CHECK(hashsig_test_verify_ssz(test->pk, 52, msg, test->slot, test->sig, test->sig_len) == 0);
    uint8_t *sig = malloc(prod->sig_len);
    memcpy(sig, prod->sig, prod->sig_len);
    sig[40 + 32 * 5] ^= 1; /* low bit of a sibling digest element: still canonical */
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, sig, prod->sig_len) == 0);
    /* Malformed: -1. */
    CHECK(hashsig_verify_ssz(prod->pk, 51, prod->msg, prod->slot, prod->sig, prod->sig_len) == -1);
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, prod->sig, prod->sig_len - 1) == -1);
    CHECK(hashsig_verify_ssz(NULL, 52, prod->msg, prod->slot, prod->sig, prod->sig_len) == -1);
    CHECK(hashsig_verify_ssz(prod->pk, 52, NULL, prod->slot, prod->sig, prod->sig_len) == -1);
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, NULL, prod->sig_len) == -1);
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, NULL, 0) == -1);
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, prod->sig, (size_t)-1) == -1);
    memset(sig, 0xff, prod->sig_len); /* garbage: wrong offsets, non-canonical elements */
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, sig, prod->sig_len) == -1);
    memcpy(sig, prod->sig, prod->sig_len);
    sig[0] = 37; /* first offset must be 36 */
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, sig, prod->sig_len) == -1);
    uint8_t bad_pk[52];
    memcpy(bad_pk, prod->pk, 52);
    memset(bad_pk, 0xff, 4); /* non-canonical field element */
    CHECK(hashsig_verify_ssz(bad_pk, 52, prod->msg, prod->slot, prod->sig, prod->sig_len) == -1);
    /* Each configuration rejects the other's signature length. */
    CHECK(hashsig_verify_ssz(test->pk, 52, test->msg, test->slot, test->sig, test->sig_len) == -1);
    CHECK(hashsig_test_verify_ssz(prod->pk, 52, prod->msg, prod->slot, prod->sig, prod->sig_len) == -1);
    free(sig);

    /* Handles from SSZ, verification, round trips, the -2 protocol. */
    HashSigPublicKey *pk = hashsig_public_key_from_ssz(prod->pk, 52);
    HashSigSignature *s = hashsig_signature_from_ssz(prod->sig, prod->sig_len);
    CHECK(pk != NULL && s != NULL);
    CHECK(hashsig_verify(pk, prod->msg, prod->slot, s) == 1);
    CHECK(hashsig_verify(pk, prod->msg, prod->slot + 1, s) == 0);
    CHECK(hashsig_verify(NULL, prod->msg, prod->slot, s) == -1);
    CHECK(hashsig_verify(pk, NULL, prod->slot, s) == -1);
    CHECK(hashsig_verify(pk, prod->msg, prod->slot, NULL) == -1);
    /* Wrong handle types are caught by the tag. */
    CHECK(hashsig_verify((const HashSigPublicKey *)s, prod->msg, prod->slot, (const HashSigSignature *)pk) == -1);
    uint8_t buf[4096];
    CHECK(hashsig_public_key_to_bytes(pk, buf, sizeof buf) == 52 && memcmp(buf, prod->pk, 52) == 0);
    CHECK(hashsig_public_key_to_bytes(pk, buf, 51) == 0);
    CHECK(hashsig_public_key_to_bytes(pk, NULL, 52) == 0);
    CHECK(hashsig_public_key_to_bytes(NULL, buf, sizeof buf) == 0);
    CHECK(hashsig_signature_to_bytes(s, buf, sizeof buf) == 2536 && memcmp(buf, prod->sig, 2536) == 0);
    CHECK(hashsig_signature_to_bytes(s, buf, 2535) == 0);
    CHECK(hashsig_signature_to_bytes((const HashSigSignature *)pk, buf, sizeof buf) == 0);
    size_t w = 12345;
    CHECK(multisig_glue_signature_to_ssz(s, NULL, 0, &w) == -2 && w == 2536);
    w = 0;
    CHECK(multisig_glue_signature_to_ssz(s, buf, 2535, &w) == -2 && w == 2536);
    memset(buf, 0, sizeof buf);
    w = 0;
    CHECK(multisig_glue_signature_to_ssz(s, buf, sizeof buf, &w) == 0 && w == 2536 && memcmp(buf, prod->sig, 2536) == 0);
    CHECK(multisig_glue_signature_to_ssz(s, buf, sizeof buf, NULL) == 0);
    CHECK(multisig_glue_signature_to_ssz(s, NULL, sizeof buf, &w) == -1);
    w = 7;
    CHECK(multisig_glue_signature_to_ssz(NULL, buf, sizeof buf, &w) == -1 && w == 0);
    CHECK(multisig_glue_public_key_to_ssz(pk, NULL, 0, &w) == -2 && w == 52);
    CHECK(multisig_glue_public_key_to_ssz(pk, buf, 52, &w) == 0 && w == 52 && memcmp(buf, prod->pk, 52) == 0);
    CHECK(hashsig_signature_from_ssz(prod->sig, 2535) == NULL);
    CHECK(hashsig_signature_from_ssz(NULL, 2536) == NULL);
    CHECK(hashsig_signature_from_ssz(test->sig, test->sig_len) == NULL);
    CHECK(hashsig_public_key_from_ssz(prod->pk, 53) == NULL);
    CHECK(hashsig_public_key_from_ssz(NULL, 0) == NULL);
    CHECK(hashsig_public_key_from_ssz(bad_pk, 52) == NULL);
    hashsig_public_key_free(pk);
    hashsig_signature_free(s);
    hashsig_public_key_free(NULL);
    hashsig_signature_free(NULL);
    hashsig_keypair_free(NULL);
}

typedef struct {
    const HashSigPrivateKey *sk;
    const HashSigPublicKey *pk;
    const Vector *prod;
    uint32_t first_epoch;
    int ok;
} Job;

static void *worker(void *arg) {
    Job *job = arg;
    job->ok = 1;
    for (uint32_t i = 0; i < 3; i++) {
        uint32_t epoch = job->first_epoch + i;
        uint8_t msg[32];
        memset(msg, (int)epoch, 32);
        HashSigSignature *s = hashsig_sign(job->sk, msg, epoch);
        if (!s || hashsig_verify(job->pk, msg, epoch, s) != 1 || hashsig_verify(job->pk, msg, epoch + 1, s) != 0) job->ok = 0;
        hashsig_signature_free(s);
        const Vector *v = job->prod;
        if (hashsig_verify_ssz(v->pk, 52, v->msg, v->slot, v->sig, v->sig_len) != 1) job->ok = 0;
        if (hashsig_verify_ssz(v->pk, 52, v->msg, v->slot, v->sig, 17) != -1) job->ok = 0;
    }
    return NULL;
}

/* Reads a whole file into a fresh buffer; NULL if it does not exist. */
static uint8_t *load_bytes(const char *dir, const char *name, size_t *len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "rb");
    if (!f) return NULL;
    fseek(f, 0, SEEK_END);
    long n = ftell(f);
    fseek(f, 0, SEEK_SET);
    uint8_t *buf = malloc((size_t)n + 1);
    if (!buf || fread(buf, 1, (size_t)n, f) != (size_t)n) exit(2);
    fclose(f);
    *len = (size_t)n;
    return buf;
}

static void save_bytes(const char *dir, const char *name, const uint8_t *data, size_t len) {
    char path[4096];
    snprintf(path, sizeof path, "%s/%s", dir, name);
    FILE *f = fopen(path, "wb");
    if (!f || fwrite(data, 1, len, f) != len) {
        fprintf(stderr, "cannot write %s\n", path);
        exit(2);
    }
    fclose(f);
}

/* With GLUE_TEST_KEY_DIR set, the key pair, and the signature on epoch 3, are shared between
 * runs: a run with GLUE_TEST_KEYGEN=1 generates the key and compares it (and the signature)
 * with the files if they exist, or writes them; other runs load the key with
 * hashsig_keypair_from_ssz (prod key generation costs a minute on the scalar path) and
 * compare their signature. So every build and instruction set must produce byte-identical
 * keys and signatures. Without GLUE_TEST_KEY_DIR every run generates its key. */
static const char *key_dir;

/* Compares `data` with the file `name` in key_dir if it exists, else writes it there. */
static void same_as_saved(const char *name, const uint8_t *data, size_t len) {
    if (!key_dir) return;
    size_t n = 0;
    uint8_t *saved = load_bytes(key_dir, name, &n);
    if (saved) {
        CHECK(n == len && memcmp(saved, data, len) == 0);
        free(saved);
    } else {
        save_bytes(key_dir, name, data, len);
    }
}

/* ---- aggregation ---- */

/* Large enough for any proof here; CLIENT_CAP is the buffer the Zig client passes. */
enum { OUT_CAP = 4 * 1024 * 1024, CLIENT_CAP = 512 * 1024 };

typedef struct {
    const HashSigPublicKey *const *pks;
    const HashSigSignature *const *sigs;
    size_t n;
    const uint8_t *msg;
    uint32_t slot;
    const uint8_t *expected; /* the proof of (pks, sigs) made on the main thread */
    size_t expected_len;
    int ok;
} AggJob;

/* Aggregates and verifies on shared handles; the bytes must equal the main thread's. */
static void *agg_worker(void *arg) {
    AggJob *job = arg;
    job->ok = 1;
    uint8_t *out = malloc(OUT_CAP);
    size_t written = 0;
    if (!out) {
        job->ok = 0;
        return NULL;
    }
    if (xmss_aggregate_type_1(job->pks, job->sigs, job->n, 0, NULL, NULL, NULL, NULL, job->msg, job->slot, 2, out, OUT_CAP, &written) != 0) job->ok = 0;
    if (written != job->expected_len || memcmp(out, job->expected, written) != 0) job->ok = 0;
    if (!xmss_verify_type_1(job->pks, job->n, job->msg, job->slot, out, written)) job->ok = 0;
    if (xmss_verify_type_1(job->pks, job->n, job->msg, job->slot + 1, out, written)) job->ok = 0;
    if (!xmss_verify_aggregated(job->pks, job->n, job->msg, job->expected, job->expected_len, job->slot)) job->ok = 0;
    free(out);
    return NULL;
}

/* pk/sk: the generated key pair; s: its signature on (msg 0..31, epoch 3). */
static void check_aggregation(const Vector *prod, const HashSigPublicKey *pk, const HashSigPrivateKey *sk, const HashSigSignature *s) {
    /* Two signers on the vector's message and slot: the leanMultisig vector and our key. */
    HashSigPublicKey *vpk = hashsig_public_key_from_ssz(prod->pk, 52);
    HashSigSignature *vsig = hashsig_signature_from_ssz(prod->sig, prod->sig_len);
    HashSigSignature *mine = hashsig_sign(sk, prod->msg, prod->slot);
    CHECK(vpk && vsig && mine);
    if (!vpk || !vsig || !mine) return;
    const HashSigPublicKey *pks[2] = {vpk, pk};
    const HashSigSignature *sigs[2] = {vsig, mine};
    const HashSigPublicKey *reversed[2] = {pk, vpk};
    const uint8_t *msg = prod->msg;
    const uint32_t slot = prod->slot;
    uint8_t *out = malloc(OUT_CAP);
    uint8_t *out2 = malloc(OUT_CAP);
    if (!out || !out2) exit(2);

    /* Generation 2: size query (-2), too small (-2, nothing written), then written (0); the
     * last two reuse the proof kept by the size query, the call after them proves afresh and
     * must give the same bytes. */
    size_t written = 0;
    double t = now();
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, NULL, 0, &written) == -2);
    printf("aggregate 2 (size query): %.3f s\n", now() - t);
    size_t len = written;
    CHECK(len > 13 && len <= OUT_CAP);
    if (len <= 13 || len > OUT_CAP) goto done;
    memset(out, 0xee, OUT_CAP);
    written = 0;
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out, len - 1, &written) == -2 && written == len);
    CHECK(out[0] == 0xee && out[len - 2] == 0xee);
    written = 0;
    t = now();
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out, OUT_CAP, &written) == 0 && written == len);
    printf("aggregate 2 (type 1, %zu bytes): %.3f s\n", len, now() - t);
    CHECK(memcmp(out, "XAGG", 4) == 0);
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out2, OUT_CAP, NULL) == 0 && memcmp(out, out2, len) == 0);
    /* The client's call: its 512 KiB buffer, where -2 means "proof too large". */
    written = 0;
    int rc = xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out2, CLIENT_CAP, &written);
    CHECK(written == len && rc == (len <= CLIENT_CAP ? 0 : -2));
    /* It must fit: the client does not retry with a larger buffer. */
    CHECK(len <= CLIENT_CAP);
    printf("proof of 2 prod signatures: %zu bytes (%s the client's 512 KiB buffer)\n", len, len <= CLIENT_CAP ? "fits" : "EXCEEDS");
    /* Identical proof bytes in every build and instruction set. */
    same_as_saved("aggregate2.bin", out, len);
    t = now();
    CHECK(xmss_verify_type_1(pks, 2, msg, slot, out, len) == true);
    printf("verify 2 (type 1): %.3f s\n", now() - t);
    /* The default proof gives 124 provable bits: it meets a policy of 100 / 124, not a
     * stricter one; the explicit-policy verifier is bound to the statement too. */
    CHECK(xmss_verify_type_1_with_policy(pks, 2, msg, slot, out, len, 100, 124) == true);
    CHECK(xmss_verify_type_1_with_policy(pks, 2, msg, slot, out, len, 128, 124) == false);
    CHECK(xmss_verify_type_1_with_policy(pks, 2, msg, slot + 1, out, len, 0, 0) == false);
    /* Bound to the statement. */
    CHECK(xmss_verify_type_1(pks, 2, msg, slot + 1, out, len) == false);
    uint8_t other[32];
    memcpy(other, msg, 32);
    other[5] ^= 1;
    CHECK(xmss_verify_type_1(pks, 2, other, slot, out, len) == false);
    CHECK(xmss_verify_type_1(reversed, 2, msg, slot, out, len) == false);
    CHECK(xmss_verify_type_1(pks, 1, msg, slot, out, len) == false);
    CHECK(xmss_verify_type_1(pks, 2, msg, slot, out, len - 1) == false);
    memcpy(out2, out, len);
    out2[len / 2] ^= 4;
    CHECK(xmss_verify_type_1(pks, 2, msg, slot, out2, len) == false);

    /* Generation 1: the same bytes through a handle. */
    AggregatedXMSS *agg = xmss_aggregate(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2);
    CHECK(agg != NULL);
    memset(out2, 0, OUT_CAP);
    CHECK(xmss_aggregate_signature_to_bytes(agg, out2, OUT_CAP) == len && memcmp(out, out2, len) == 0);
    CHECK(xmss_aggregate_signature_to_bytes(agg, out2, len - 1) == 0);
    CHECK(xmss_aggregate_signature_to_bytes(agg, NULL, OUT_CAP) == 0);
    CHECK(xmss_aggregate_signature_to_bytes((const AggregatedXMSS *)pk, out2, OUT_CAP) == 0);
    CHECK(xmss_verify_aggregated(pks, 2, msg, out2, len, slot) == true);
    CHECK(xmss_verify_aggregated(pks, 2, msg, out2, len, slot + 1) == false);
    CHECK(xmss_verify_aggregated(reversed, 2, msg, out2, len, slot) == false);
    AggregatedXMSS *back = xmss_aggregate_signature_from_bytes(out, len);
    CHECK(back != NULL && xmss_aggregate_signature_to_bytes(back, out2, OUT_CAP) == len && memcmp(out, out2, len) == 0);
    CHECK(xmss_aggregate_signature_from_bytes(out, 11) == NULL);
    CHECK(xmss_aggregate_signature_from_bytes(NULL, len) == NULL);
    CHECK(xmss_aggregate_signature_from_bytes(prod->sig, prod->sig_len) == NULL);
    xmss_free_aggregate_signature(agg);
    xmss_free_aggregate_signature(back);
    xmss_free_aggregate_signature(NULL);
    xmss_free_aggregate_signature((AggregatedXMSS *)vpk); /* not an aggregate: ignored */
    CHECK(hashsig_verify(vpk, msg, slot, vsig) == 1);

    /* Several threads aggregate and verify at once on the shared handles. */
    {
        enum { THREADS = 3 };
        pthread_t th[THREADS];
        AggJob jobs[THREADS];
        t = now();
        for (int i = 0; i < THREADS; i++) {
            jobs[i] = (AggJob){pks, sigs, 2, msg, slot, out, len, 0};
            CHECK(pthread_create(&th[i], NULL, agg_worker, &jobs[i]) == 0);
        }
        for (int i = 0; i < THREADS; i++) {
            pthread_join(th[i], NULL);
            CHECK(jobs[i].ok == 1);
        }
        printf("threads: %d x (aggregate 2 + verify): %.2f s\n", THREADS, now() - t);
    }

    /* Bad inputs: -1 with *out_written = 0, NULL, or false. */
    const HashSigSignature *wrong[2] = {vsig, s}; /* s signs another message and epoch */
    const HashSigPublicKey *with_null[2] = {vpk, NULL};
    const HashSigPublicKey *not_keys[2] = {(const HashSigPublicKey *)vsig, pk};
    written = 99;
    CHECK(xmss_aggregate_type_1(pks, wrong, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out2, OUT_CAP, &written) == -1 && written == 0);
    written = 99;
    CHECK(xmss_aggregate_type_1(with_null, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out2, OUT_CAP, &written) == -1 && written == 0);
    CHECK(xmss_aggregate_type_1(not_keys, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_aggregate_type_1(NULL, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_aggregate_type_1(pks, NULL, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, NULL, slot, 2, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_aggregate_type_1(pks, sigs, 0, 0, NULL, NULL, NULL, NULL, msg, slot, 2, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 0, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 5, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot + 1, 2, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2, NULL, 100, &written) == -1 && written == 0);
    CHECK(xmss_aggregate(pks, wrong, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2) == NULL);
    CHECK(xmss_aggregate(with_null, sigs, 2, 0, NULL, NULL, NULL, NULL, msg, slot, 2) == NULL);
    CHECK(xmss_aggregate(pks, sigs, 2, 0, NULL, NULL, NULL, NULL, NULL, slot, 2) == NULL);
    CHECK(xmss_verify_type_1(NULL, 2, msg, slot, out, len) == false);
    CHECK(xmss_verify_type_1(with_null, 2, msg, slot, out, len) == false);
    CHECK(xmss_verify_type_1(pks, 0, msg, slot, out, len) == false);
    CHECK(xmss_verify_type_1(pks, 2, NULL, slot, out, len) == false);
    CHECK(xmss_verify_type_1(pks, 2, msg, slot, NULL, len) == false);
    CHECK(xmss_verify_aggregated(pks, 2, msg, prod->sig, prod->sig_len, slot) == false);

    /* Children: the Type-1 folded in beside the same two raw signatures (duplicate keys are
     * kept); the result verifies against the raw keys followed by the child's, in both
     * generations, and not against either list alone; a child with its keys swapped is
     * refused; a child that has children itself folds in (three levels), the result merges
     * into a Type-2 and splits back out. A split of bytes that are not a Type-2 fails. */
    const uint8_t *child_ptrs[1] = {out};
    size_t child_lens[1] = {len};
    size_t child_counts[1] = {2};
    const HashSigPublicKey *flat[4] = {vpk, pk, vpk, pk};
    written = 0;
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 1, pks, child_counts, child_ptrs, child_lens, msg, slot, 2, out2, OUT_CAP, &written) == 0);
    size_t nested_len = written;
    CHECK(nested_len > 4 && memcmp(out2, "XAGC", 4) == 0);
    CHECK(xmss_verify_type_1(flat, 4, msg, slot, out2, nested_len) == true);
    CHECK(xmss_verify_type_1(pks, 2, msg, slot, out2, nested_len) == false);
    CHECK(xmss_verify_type_1(flat, 4, msg, slot + 1, out2, nested_len) == false);
    const uint8_t *nested_ptrs[1] = {out2};
    size_t nested_lens[1] = {nested_len};
    size_t nested_counts[1] = {4};
    uint8_t *out3 = malloc(OUT_CAP);
    if (!out3) exit(2);
    written = 0;
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 1, flat, nested_counts, nested_ptrs, nested_lens, msg, slot, 2, out3, OUT_CAP, &written) == 0);
    size_t deeper_len = written;
    const HashSigPublicKey *flat6[6] = {vpk, pk, vpk, pk, vpk, pk};
    CHECK(xmss_verify_type_1(flat6, 6, msg, slot, out3, deeper_len) == true);
    CHECK(xmss_verify_type_1(flat, 4, msg, slot, out3, deeper_len) == false);
    {
        const uint8_t *deeper_ptrs[1] = {out3};
        size_t deeper_lens[1] = {deeper_len};
        size_t deeper_counts[1] = {6};
        uint8_t *out4 = malloc(OUT_CAP);
        if (!out4) exit(2);
        written = 0;
        CHECK(xmss_merge_type_1_to_type_2(1, deeper_ptrs, deeper_lens, flat6, deeper_counts, 2, out4, OUT_CAP, &written) == 0);
        uint32_t deeper_slots[1] = {slot};
        size_t t2_len = written;
        CHECK(xmss_verify_type_2(out4, t2_len, flat6, deeper_counts, 1, msg, deeper_slots) == true);
        /* Split back out: a Type-1 that verifies with the component's keys alone. */
        uint8_t *out5 = malloc(OUT_CAP);
        if (!out5) exit(2);
        written = 0;
        CHECK(xmss_split_type_2_by_msg(out4, t2_len, flat6, deeper_counts, 1, msg, 2, out5, OUT_CAP, &written) == 0);
        CHECK(written > 4 && memcmp(out5, "XAGS", 4) == 0);
        CHECK(xmss_verify_type_1(flat6, 6, msg, slot, out5, written) == true);
        CHECK(xmss_verify_type_1(flat6, 6, msg, slot + 1, out5, written) == false);
        size_t needed = written;
        written = 0;
        CHECK(xmss_split_type_2_by_msg(out4, t2_len, flat6, deeper_counts, 1, msg, 2, NULL, 0, &written) == -2 && written == needed);
        free(out5);
        free(out4);
    }
    written = 99;
    CHECK(xmss_aggregate_type_1(pks, sigs, 2, 1, reversed, child_counts, child_ptrs, child_lens, msg, slot, 2, out3, OUT_CAP, &written) == -1 && written == 0);
    AggregatedXMSS *nested = xmss_aggregate(pks, sigs, 2, 1, pks, child_counts, child_ptrs, child_lens, msg, slot, 2);
    CHECK(nested != NULL);
    if (nested) {
        CHECK(xmss_aggregate_signature_to_bytes(nested, out3, OUT_CAP) == nested_len && memcmp(out2, out3, nested_len) == 0);
        xmss_free_aggregate_signature(nested);
    }
    CHECK(xmss_verify_aggregated(flat, 4, msg, out2, nested_len, slot) == true);
    free(out3);
    written = 99;
    CHECK(xmss_split_type_2_by_msg(out, len, pks, child_counts, 1, msg, 2, out2, OUT_CAP, &written) == -1 && written == 0);
    uint32_t slots[1] = {slot};
    CHECK(xmss_verify_type_2(out, len, pks, child_counts, 1, msg, slots) == false);

    /* Type-2: the Type-1 proof merged (its header names the message and slot) and verified
     * against its message, slot and keys; rejected for another slot or key order; a size
     * query returns -2 with the size; bad inputs are -1. */
    written = 0;
    CHECK(xmss_merge_type_1_to_type_2(1, child_ptrs, child_lens, pks, child_counts, 2, out2, CLIENT_CAP, &written) == 0);
    size_t len2 = written;
    CHECK(len2 > 0 && len2 <= CLIENT_CAP);
    CHECK(xmss_verify_type_2(out2, len2, pks, child_counts, 1, msg, slots) == true);
    uint32_t other_slots[1] = {slot + 1};
    CHECK(xmss_verify_type_2(out2, len2, pks, child_counts, 1, msg, other_slots) == false);
    const HashSigPublicKey *swapped_pks[2] = {pks[1], pks[0]};
    CHECK(xmss_verify_type_2(out2, len2, swapped_pks, child_counts, 1, msg, slots) == false);
    CHECK(xmss_verify_type_2(out2, len2 - 1, pks, child_counts, 1, msg, slots) == false);
    CHECK(xmss_verify_type_2(out2, len2, pks, child_counts, 0, msg, slots) == false);
    CHECK(xmss_verify_type_2(out2, len2, pks, NULL, 1, msg, slots) == false);
    written = 99;
    CHECK(xmss_merge_type_1_to_type_2(1, child_ptrs, child_lens, pks, child_counts, 2, NULL, 0, &written) == -2 && written == len2);
    written = 99;
    CHECK(xmss_merge_type_1_to_type_2(0, child_ptrs, child_lens, pks, child_counts, 2, out2, OUT_CAP, &written) == -1 && written == 0);
    CHECK(xmss_merge_type_1_to_type_2(1, child_ptrs, child_lens, pks, child_counts, 9, out2, OUT_CAP, &written) == -1);
    CHECK(xmss_merge_type_1_to_type_2(1, NULL, child_lens, pks, child_counts, 2, out2, OUT_CAP, &written) == -1);
    size_t wrong_counts[1] = {1};
    CHECK(xmss_merge_type_1_to_type_2(1, child_ptrs, child_lens, pks, wrong_counts, 2, out2, OUT_CAP, &written) == -1);

done:
    free(out);
    free(out2);
    hashsig_signature_free(mine);
    hashsig_signature_free(vsig);
    hashsig_public_key_free(vpk);
}

static void check_keys(const Vector *prod) {
    const char *seed = "multisig-glue C test seed";
    key_dir = getenv("GLUE_TEST_KEY_DIR");
    HashSigKeyPair *kp = NULL;
    size_t saved_sk_len = 0, saved_pk_len = 0;
    uint8_t *saved_sk = key_dir ? load_bytes(key_dir, "sk.ssz", &saved_sk_len) : NULL;
    uint8_t *saved_pk = key_dir ? load_bytes(key_dir, "pk.ssz", &saved_pk_len) : NULL;
    double t = now();
    if (saved_sk && saved_pk && !getenv("GLUE_TEST_KEYGEN")) {
        kp = hashsig_keypair_from_ssz(saved_sk, saved_sk_len, saved_pk, saved_pk_len);
        printf("key pair loaded from %s/sk.ssz: %.2f s\n", key_dir, now() - t);
    } else {
        kp = hashsig_keypair_generate(seed, 0, 10);
        printf("keygen (prod, 2 bottom trees): %.2f s\n", now() - t);
    }
    free(saved_sk);
    free(saved_pk);
    CHECK(kp != NULL);
    if (!kp) return;
    const HashSigPublicKey *pk = hashsig_keypair_get_public_key(kp);
    const HashSigPrivateKey *sk = hashsig_keypair_get_private_key(kp);
    CHECK(pk != NULL && sk != NULL);
    CHECK(hashsig_keypair_get_public_key(NULL) == NULL);
    CHECK(hashsig_keypair_get_private_key((const HashSigKeyPair *)pk) == NULL);
    uint8_t pk_bytes[52];
    CHECK(hashsig_public_key_to_bytes(pk, pk_bytes, 52) == 52);
    same_as_saved("pk.ssz", pk_bytes, 52);

    uint8_t msg[32];
    for (int i = 0; i < 32; i++) msg[i] = (uint8_t)i;
    t = now();
    HashSigSignature *s = hashsig_sign(sk, msg, 3);
    printf("sign: %.3f s\n", now() - t);
    CHECK(s != NULL);
    CHECK(hashsig_verify(pk, msg, 3, s) == 1);
    CHECK(hashsig_verify(pk, msg, 4, s) == 0);
    uint8_t sig_bytes[2536];
    CHECK(hashsig_signature_to_bytes(s, sig_bytes, sizeof sig_bytes) == 2536);
    CHECK(hashsig_verify_ssz(pk_bytes, 52, msg, 3, sig_bytes, 2536) == 1);
    same_as_saved("sig3.ssz", sig_bytes, 2536);
    /* Signing is deterministic. */
    HashSigSignature *s2 = hashsig_sign(sk, msg, 3);
    uint8_t sig2[2536];
    CHECK(s2 && hashsig_signature_to_bytes(s2, sig2, sizeof sig2) == 2536 && memcmp(sig_bytes, sig2, 2536) == 0);
    hashsig_signature_free(s2);
    /* A signature from another key does not verify under this one. */
    HashSigPublicKey *vector_pk = hashsig_public_key_from_ssz(prod->pk, 52);
    CHECK(hashsig_verify(vector_pk, msg, 3, s) == 0);
    hashsig_public_key_free(vector_pk);

    /* Secret key SSZ: size query (-2), the size_t API, round trip into a new key pair. */
    size_t sk_len = 0;
    CHECK(multisig_glue_private_key_to_ssz(sk, NULL, 0, &sk_len) == -2 && sk_len > 88);
    printf("prod secret key (2 bottom trees): %zu bytes\n", sk_len);
    uint8_t *sk_bytes = malloc(sk_len);
    CHECK(hashsig_private_key_to_bytes(sk, sk_bytes, sk_len - 1) == 0);
    CHECK(hashsig_private_key_to_bytes(sk, sk_bytes, sk_len) == sk_len);
    same_as_saved("sk.ssz", sk_bytes, sk_len);
    size_t w = 0;
    uint8_t *sk_bytes2 = malloc(sk_len);
    CHECK(multisig_glue_private_key_to_ssz(sk, sk_bytes2, sk_len, &w) == 0 && w == sk_len && memcmp(sk_bytes, sk_bytes2, sk_len) == 0);
    HashSigKeyPair *kp2 = hashsig_keypair_from_ssz(sk_bytes, sk_len, pk_bytes, 52);
    CHECK(kp2 != NULL);
    if (kp2) {
        HashSigSignature *s3 = hashsig_sign(hashsig_keypair_get_private_key(kp2), msg, 3);
        uint8_t sig3[2536];
        CHECK(s3 && hashsig_signature_to_bytes(s3, sig3, sizeof sig3) == 2536 && memcmp(sig_bytes, sig3, 2536) == 0);
        hashsig_signature_free(s3);
        hashsig_keypair_free(kp2);
    }
    CHECK(hashsig_keypair_from_ssz(sk_bytes, sk_len, prod->pk, 52) == NULL); /* not its key */
    CHECK(hashsig_keypair_from_ssz(sk_bytes, sk_len - 1, pk_bytes, 52) == NULL);
    CHECK(hashsig_keypair_from_ssz(sk_bytes, 88, pk_bytes, 52) == NULL);
    CHECK(hashsig_keypair_from_ssz(NULL, sk_len, pk_bytes, 52) == NULL);
    CHECK(hashsig_keypair_from_ssz(sk_bytes, sk_len, NULL, 52) == NULL);
    CHECK(hashsig_keypair_from_ssz(sk_bytes, sk_len, pk_bytes, 51) == NULL);
    memset(sk_bytes2, 0xa5, sk_len);
    CHECK(hashsig_keypair_from_ssz(sk_bytes2, sk_len, pk_bytes, 52) == NULL);
    free(sk_bytes);
    free(sk_bytes2);

    /* Bad inputs to signing and key generation. */
    CHECK(hashsig_sign(NULL, msg, 3) == NULL);
    CHECK(hashsig_sign(sk, NULL, 3) == NULL);
    CHECK(hashsig_sign((const HashSigPrivateKey *)pk, msg, 3) == NULL);
    CHECK(hashsig_sign(sk, msg, 0xffffffffu) == NULL); /* outside the activation range */
    CHECK(hashsig_keypair_generate(NULL, 0, 10) == NULL);
    CHECK(hashsig_keypair_generate(seed, 0, 0) == NULL);
    CHECK(hashsig_keypair_generate(seed, (size_t)1 << 32, 1) == NULL);
    CHECK(hashsig_keypair_generate(seed, 1, (size_t)-1) == NULL);
    /* Freeing a borrowed key is ignored: the key pair still works. */
    hashsig_public_key_free((HashSigPublicKey *)pk);
    CHECK(hashsig_verify(pk, msg, 3, s) == 1);

    /* Concurrency: four threads sign and verify on the shared handles. */
    enum { THREADS = 4 };
    pthread_t th[THREADS];
    Job jobs[THREADS];
    t = now();
    for (int i = 0; i < THREADS; i++) {
        jobs[i] = (Job){sk, pk, prod, (uint32_t)(100 + 10 * i), 0};
        CHECK(pthread_create(&th[i], NULL, worker, &jobs[i]) == 0);
    }
    for (int i = 0; i < THREADS; i++) {
        pthread_join(th[i], NULL);
        CHECK(jobs[i].ok == 1);
    }
    printf("threads: %d x 3 sign+verify: %.2f s\n", THREADS, now() - t);

    check_aggregation(prod, pk, sk, s);

    hashsig_signature_free(s);
    hashsig_keypair_free(kp);
}

/* GLUE_TEST_ADVANCE=1: a key over three bottom trees; signing in the third slides the
 * prepared window (one more bottom tree), after which the first can no longer be signed. */
static void check_advance(void) {
    const uint32_t c = 1u << 16; /* epochs per bottom tree */
    double t = now();
    HashSigKeyPair *kp = hashsig_keypair_generate("multisig-glue advance seed", 0, 3 * (size_t)c);
    CHECK(kp != NULL);
    if (!kp) return;
    const HashSigPrivateKey *sk = hashsig_keypair_get_private_key(kp);
    const HashSigPublicKey *pk = hashsig_keypair_get_public_key(kp);
    uint8_t msg[32];
    memset(msg, 0x5a, 32);
    HashSigSignature *s = hashsig_sign(sk, msg, 2 * c + 7);
    CHECK(s != NULL && hashsig_verify(pk, msg, 2 * c + 7, s) == 1);
    hashsig_signature_free(s);
    s = hashsig_sign(sk, msg, c + 1); /* second bottom tree: still prepared */
    CHECK(s != NULL && hashsig_verify(pk, msg, c + 1, s) == 1);
    hashsig_signature_free(s);
    CHECK(hashsig_sign(sk, msg, 5) == NULL);     /* first bottom tree: left behind */
    CHECK(hashsig_sign(sk, msg, 3 * c) == NULL); /* past the activation range */
    hashsig_keypair_free(kp);
    printf("advance (3 bottom trees, one slide): %.2f s\n", now() - t);
}

static void check_setup(void) {
    CHECK(hashsig_message_length() == 32);
    /* The client ABI says this always returns 0: the first call configures the pool (5000 is
     * clamped to 4 per CPU), later calls keep it. */
    CHECK(xmss_set_rayon_threads(5000) == 0);
    CHECK(xmss_set_rayon_threads(2) == 0);
    CHECK(xmss_set_rayon_threads(3) == 0);
    CHECK(xmss_setup_prover() == 0);
    CHECK(xmss_setup_verifier() == 0);
    CHECK(xmss_setup_aggregation() == 0);
    CHECK(xmss_setup_aggregation() == 0);
}

/* MULTISIG_ISA names an unknown instruction set: every function that hashes reports an error
 * instead of panicking (the library is built with panic = "abort" in the matrix). */
static void check_bad_isa(const Vector *prod) {
    CHECK(xmss_setup_prover() == -1);
    CHECK(xmss_setup_verifier() == -1);
    CHECK(xmss_setup_aggregation() == -1);
    CHECK(hashsig_keypair_generate("seed", 0, 10) == NULL);
    /* The valid prod vector: the error comes from the instruction set, not the bytes. */
    CHECK(hashsig_verify_ssz(prod->pk, 52, prod->msg, prod->slot, prod->sig, prod->sig_len) == -1);
    HashSigPublicKey *pk = hashsig_public_key_from_ssz(prod->pk, 52);
    HashSigSignature *s = hashsig_signature_from_ssz(prod->sig, prod->sig_len);
    CHECK(pk != NULL && s != NULL); /* decoding does not hash */
    CHECK(hashsig_verify(pk, prod->msg, prod->slot, s) == -1);
    /* Aggregation and its verification report the error too. */
    const HashSigPublicKey *pks[1] = {pk};
    const HashSigSignature *sigs[1] = {s};
    uint8_t out[64];
    size_t written = 99;
    CHECK(xmss_aggregate(pks, sigs, 1, 0, NULL, NULL, NULL, NULL, prod->msg, prod->slot, 2) == NULL);
    CHECK(xmss_aggregate_type_1(pks, sigs, 1, 0, NULL, NULL, NULL, NULL, prod->msg, prod->slot, 2, out, sizeof out, &written) == -1 && written == 0);
    memset(out, 0, sizeof out);
    memcpy(out, "XAGG\x02\x00\x00\x02\x00\x01\x00\x00\x00", 13);
    CHECK(xmss_verify_type_1(pks, 1, prod->msg, prod->slot, out, sizeof out) == false);
    hashsig_public_key_free(pk);
    hashsig_signature_free(s);
    CHECK(hashsig_message_length() == 32);
}

int main(int argc, char **argv) {
    const char *isa = getenv("MULTISIG_ISA");
    if (!(argc == 2 && strcmp(argv[1], "--probe") == 0)) printf("glue_test: MULTISIG_ISA=%s\n", isa ? isa : "(unset)");
    if (argc == 2 && strcmp(argv[1], "--probe") == 0) {
        /* Exit 0 if MULTISIG_ISA (or auto) is usable on this CPU, 3 if not. */
        return xmss_setup_aggregation() == 0 ? 0 : 3;
    }
    if (argc == 3 && strcmp(argv[1], "--bad-isa") == 0) {
        Vector prod = load_vector(argv[2], "xmss_prod_test_vector.json");
        check_bad_isa(&prod);
        free(prod.sig);
    } else if (argc == 2) {
        Vector prod = load_vector(argv[1], "xmss_prod_test_vector.json");
        Vector test = load_vector(argv[1], "xmss_test_vector.json");
        check_setup();
        check_vectors(&prod, &test);
        check_keys(&prod);
        if (getenv("GLUE_TEST_ADVANCE")) check_advance();
        free(prod.sig);
        free(test.sig);
    } else {
        fprintf(stderr, "usage: %s VECTORS_DIR | --bad-isa VECTORS_DIR\n", argv[0]);
        return 2;
    }
    printf("%d passed, %d failed\n", passed, failed);
    return failed ? 1 : 0;
}
