/*
 * multisig_glue.h: the C ABI of libmultisig_glue.a (Rust crate crates/glue).
 *
 * Hand-written; crates/glue/tests/header.rs fails when a declaration here and an exported
 * function of crates/glue/src differ (name, argument types, return type), and when a
 * function of the client's ABI (shared/abi/zeam_xmss_abi.h) is missing or differs.
 *
 * CONVENTIONS
 *  - XMSS is devnet4's prod configuration (lifetime 2^32, 46 chains): 52-byte public keys,
 *    2536-byte signatures, secret keys of several MiB. Only hashsig_test_verify_ssz uses the
 *    test configuration (424-byte signatures).
 *  - Messages and message hashes are exactly 32 bytes; epochs and slots are uint32_t.
 *  - No function panics or aborts on bad input: NULL, misaligned or wrong-type handles,
 *    wrong lengths and malformed bytes return the error value below. (A dangling or forged
 *    pointer is still undefined behaviour; handles carry a type tag that catches most mix-ups.)
 *  - Return values: hashsig_verify* return 1 valid, 0 invalid, -1 error.
 *    hashsig_*_to_bytes return the bytes written, 0 on error or if buf_len is too small.
 *    Constructors return a heap handle or NULL on any error.
 *    (out_buf, out_cap, out_written) functions return 0 success, -1 error, -2 when out_cap is
 *    too small (nothing written); whenever out_written is non-NULL it receives the required
 *    length, on -2 too (0 on -1). Query the size with out_buf = NULL, out_cap = 0.
 *  - Ownership: handles returned by hashsig_keypair_generate, hashsig_keypair_from_ssz,
 *    hashsig_sign, hashsig_signature_from_ssz and hashsig_public_key_from_ssz belong to the
 *    caller, who frees them with the matching *_free (each accepts NULL). The keys returned by
 *    hashsig_keypair_get_public_key / _get_private_key are borrowed: valid while the key pair
 *    lives, never freed (hashsig_public_key_free ignores a borrowed key).
 *    Input buffers are only read during the call; nothing keeps a pointer to them.
 *  - Thread safety: every function may be called from any thread, several at once; handles
 *    are shared read-only between threads (hashsig_sign on one private key from several
 *    threads is fine). Only *_free must not race with other uses of the same handle.
 *  - MULTISIG_ISA (auto, scalar, avx2, avx512) selects the SIMD path at run time; if it names
 *    an instruction set this CPU lacks, every function that hashes returns its error value.
 *  - Aggregation (xmss_*) uses the prod configuration. Generation-1 aggregates and Type-1
 *    proofs are the same bytes: a 49-byte header ("XAGG", version, configuration, log_inv_rate,
 *    parameters, number of signatures, message, slot) and the proof, bound to the message, the slot and
 *    the ORDERED list of public keys. Verification returns true only for exactly that
 *    statement. Proofs are made with rec_aggregation's parameters: at least 124 provable bits
 *    (Johnson-bound regime, BCHKS25 bound). The verifiers recompute the security of a
 *    proof's parameters (never reading it from the proof) and reject proofs below that
 *    default policy (xmss_verify_type_1_with_policy takes explicit minimums).
 *  - Type-2: xmss_merge_type_1_to_type_2 merges Type-1 proofs (whose headers name each part's
 *    message and slot) into one recursive proof; xmss_verify_type_2 checks it against the
 *    caller's messages, slots and ordered key lists. Measured (docs/recursion.md): two parts of 16
 *    signatures merge in about 0.8 s and verify in about 75 ms, nine in 3.3 s and 0.25 s (slower
 *    than a block needs); a component splits out in under 1 s.
 *  - Children (num_children > 0): the aggregate is a Type-1 with children ("XAGC" header:
 *    the tree of key counts of the raw part and of each child, with the children's claimed
 *    challenges), proving the raw signatures and that each child verifies, for the key list
 *    made of the raw keys followed by each child's keys in order; the same verifiers check
 *    it. A child may have children itself (up to 8 levels, 64 aggregates in a tree; a split and its Type-2 count as two), and
 *    such an aggregate merges into a Type-2 like any Type-1.
 *  - Split: xmss_split_type_2_by_msg returns a component of a Type-2 as a Type-1 ("XAGS")
 *    that xmss_verify_type_1 checks with that component's keys, message and slot alone. A
 *    split proof is a Type-1 like the others: it can be a child or a Type-2 part.
 */
#ifndef MULTISIG_GLUE_H
#define MULTISIG_GLUE_H

#include <stdbool.h>
#include <stddef.h>
#include <stdint.h>

#ifdef __cplusplus
extern "C" {
#endif

typedef struct HashSigKeyPair HashSigKeyPair;       /* owned: hashsig_keypair_free */
typedef struct HashSigPrivateKey HashSigPrivateKey; /* always borrowed from a key pair */
typedef struct HashSigPublicKey HashSigPublicKey;   /* owned (from_ssz) or borrowed */
typedef struct HashSigSignature HashSigSignature;   /* owned: hashsig_signature_free */
typedef struct AggregatedXMSS AggregatedXMSS;       /* owned: xmss_free_aggregate_signature */

/* ------------------------------------------------------------------------------------------
 * hashsig: XMSS keys and signatures
 * ---------------------------------------------------------------------------------------- */

/* Deterministic prod key pair from a NUL-terminated seed phrase, for epochs
 * [activation_epoch, activation_epoch + num_active_epochs) widened to whole bottom trees of
 * 2^16 epochs (at least two). NULL on a NULL seed, an empty or out-of-lifetime range, or an
 * invalid MULTISIG_ISA. Costs about two bottom trees of hashing (seconds). */
HashSigKeyPair *hashsig_keypair_generate(const char *seed_phrase, size_t activation_epoch, size_t num_active_epochs);

/* Key pair from the SSZ secret key (spec 6.5) and the 52-byte SSZ public key; NULL if either
 * is NULL or malformed or if the public key is not the secret key's. */
HashSigKeyPair *hashsig_keypair_from_ssz(const uint8_t *sk, size_t sk_len, const uint8_t *pk, size_t pk_len);

/* Frees a key pair (NULL is ignored); its borrowed keys become invalid. */
void hashsig_keypair_free(HashSigKeyPair *kp);

/* Borrowed keys of a key pair; NULL for an invalid key pair. */
const HashSigPublicKey *hashsig_keypair_get_public_key(const HashSigKeyPair *kp);
const HashSigPrivateKey *hashsig_keypair_get_private_key(const HashSigKeyPair *kp);

/* Signs a 32-byte message for an epoch; NULL on error (NULL pointer, epoch outside the
 * activation range or before the prepared window). An epoch after the prepared window of two
 * bottom trees slides the window forward first (about one bottom tree of work per step);
 * earlier epochs can no longer be signed then. Deterministic. */
HashSigSignature *hashsig_sign(const HashSigPrivateKey *sk, const uint8_t *msg32, uint32_t epoch);

/* 1 valid, 0 invalid, -1 error. */
int32_t hashsig_verify(const HashSigPublicKey *pk, const uint8_t *msg32, uint32_t epoch, const HashSigSignature *sig);

/* SSZ encodings: bytes written (52 / several MiB / 2536), 0 on error or if buf_len is too
 * small. multisig_glue_*_to_ssz below report the required length. */
size_t hashsig_public_key_to_bytes(const HashSigPublicKey *pk, uint8_t *buf, size_t buf_len);
size_t hashsig_private_key_to_bytes(const HashSigPrivateKey *sk, uint8_t *buf, size_t buf_len);
size_t hashsig_signature_to_bytes(const HashSigSignature *sig, uint8_t *buf, size_t buf_len);

/* Strict SSZ decoders (exact length and offsets, canonical field elements); NULL on error.
 * Free with hashsig_signature_free / hashsig_public_key_free (NULL is ignored). */
HashSigSignature *hashsig_signature_from_ssz(const uint8_t *bytes, size_t len);
void hashsig_signature_free(HashSigSignature *sig);
HashSigPublicKey *hashsig_public_key_from_ssz(const uint8_t *bytes, size_t len);
void hashsig_public_key_free(HashSigPublicKey *pk);

/* 32. */
size_t hashsig_message_length(void);

/* Verification from SSZ bytes: 1 valid, 0 invalid, -1 error (NULL pointer, malformed or
 * wrong-length bytes). _test_ uses the test configuration (424-byte signatures). */
int32_t hashsig_verify_ssz(const uint8_t *pk, size_t pk_len, const uint8_t *msg32, uint32_t epoch, const uint8_t *sig, size_t sig_len);
int32_t hashsig_test_verify_ssz(const uint8_t *pk, size_t pk_len, const uint8_t *msg32, uint32_t epoch, const uint8_t *sig, size_t sig_len);

/* Additions (not in the client's ABI): SSZ encodings with the (out_buf, out_cap,
 * out_written) protocol: 0 / -1 / -2, *out_written = required length. */
int multisig_glue_public_key_to_ssz(const HashSigPublicKey *pk, uint8_t *out_buf, size_t out_cap, size_t *out_written);
int multisig_glue_private_key_to_ssz(const HashSigPrivateKey *sk, uint8_t *out_buf, size_t out_cap, size_t *out_written);
int multisig_glue_signature_to_ssz(const HashSigSignature *sig, uint8_t *out_buf, size_t out_cap, size_t *out_written);

/* ------------------------------------------------------------------------------------------
 * xmss: aggregation, generation 1 (object handles)
 * ---------------------------------------------------------------------------------------- */

/* 0, or -1 if MULTISIG_ISA is invalid for this CPU. Idempotent; warms the hash tables. */
int xmss_setup_prover(void);
int xmss_setup_verifier(void);

/* Proves that raw_signatures[i] is a valid signature by raw_pub_keys[i] on message_hash32 at
 * slot, for i < num_raw, and that each of the num_children child aggregates (child_proof_ptrs[i],
 * child_proof_lens[i] bytes, with child_num_keys[i] keys each, in order, from
 * child_all_pub_keys) verifies for the same message and slot, at log_inv_rate (1 to 4; 2 in
 * production). Every signature is verified first, every child recursively. The key list of
 * the result is the raw keys followed by each child's keys (duplicates kept). Returns a new
 * aggregate (free with xmss_free_aggregate_signature), or NULL on any error: slot outside the
 * key lifetime, a NULL array, entry or message, a wrong-type handle, nothing to aggregate, an
 * invalid signature, a bad log_inv_rate, too many signatures, more than 16 children, a child
 * key count of 0, a child that is not a prod Type-1 of this message, slot and rate or does
 * not verify, a tree of aggregates deeper than 8 levels or larger than 64 aggregates, or an
 * invalid MULTISIG_ISA. The raw
 * arrays are not read when num_raw = 0, the child arrays not when num_children = 0 (they may
 * then be NULL). */
AggregatedXMSS *xmss_aggregate(
    const HashSigPublicKey *const *raw_pub_keys, const HashSigSignature *const *raw_signatures, size_t num_raw,
    size_t num_children, const HashSigPublicKey *const *child_all_pub_keys, const size_t *child_num_keys,
    const uint8_t *const *child_proof_ptrs, const size_t *child_proof_lens,
    const uint8_t *message_hash32, uint32_t slot, size_t log_inv_rate);

/* true if agg_sig_bytes is a valid aggregate for exactly these public keys (same order),
 * message and slot (the slot is the LAST argument) and at least as secure as the default
 * policy (124 provable bits); false if invalid, below the policy and on any
 * error (NULL pointer or entry, num_keys = 0, malformed bytes, invalid MULTISIG_ISA). */
bool xmss_verify_aggregated(const HashSigPublicKey *const *public_keys, size_t num_keys,
    const uint8_t *message_hash32, const uint8_t *agg_sig_bytes, size_t agg_sig_len, uint32_t slot);

/* The aggregate's bytes: bytes written, 0 on error or if buf_len is too small (the size is
 * what xmss_aggregate_type_1 reports in *out_written for the same inputs). */
size_t xmss_aggregate_signature_to_bytes(const AggregatedXMSS *agg, uint8_t *buf, size_t buf_len);

/* An aggregate from bytes; checks the header only (magic, version, prod configuration, rate,
 * parameters, count): verification checks the proof. NULL if bytes is NULL or the header is malformed. */
AggregatedXMSS *xmss_aggregate_signature_from_bytes(const uint8_t *bytes, size_t len);

/* Frees an aggregate (NULL and non-aggregate pointers are ignored). */
void xmss_free_aggregate_signature(AggregatedXMSS *agg);

/* ------------------------------------------------------------------------------------------
 * xmss: aggregation, generation 2 (bytes in, bytes out)
 * ---------------------------------------------------------------------------------------- */

/* 0, or -1 if MULTISIG_ISA is invalid for this CPU. Idempotent. */
int xmss_setup_aggregation(void);

/* Configures rayon's global thread pool (0 = one thread per CPU). Always returns 0 (as the
 * client ABI specifies): counts above 4 per available CPU (or above 1024) are clamped; if the
 * pool is already configured or already running (any earlier hashing work such as key
 * generation starts it), the request is ignored and the existing pool is kept. Call it first,
 * before setup. */
int xmss_set_rayon_threads(size_t num_threads);

/* As xmss_aggregate, writing the Type-1 proof bytes with the (out_buf, out_cap, out_written)
 * protocol: 0 written; -2 if out_cap is too small (nothing written, *out_written = proof
 * length; out_buf = NULL, out_cap = 0 asks for the length at the cost of a whole proof); -1
 * on any error of xmss_aggregate, or a NULL out_buf with out_cap > 0
 * (checked before proving); *out_written = 0 on -1. */
int xmss_aggregate_type_1(
    const HashSigPublicKey *const *raw_pub_keys, const HashSigSignature *const *raw_signatures, size_t num_raw,
    size_t num_children, const HashSigPublicKey *const *child_all_pub_keys, const size_t *child_num_keys,
    const uint8_t *const *child_proof_ptrs, const size_t *child_proof_lens,
    const uint8_t *message_hash32, uint32_t slot, size_t log_inv_rate,
    uint8_t *out_buf, size_t out_cap, size_t *out_written);

/* As xmss_verify_aggregated (slot before the bytes here): true only for a proof of exactly
 * these keys (same order), message and slot. */
bool xmss_verify_type_1(const HashSigPublicKey *const *public_keys, size_t num_keys,
    const uint8_t *message_hash32, uint32_t slot, const uint8_t *type_1_bytes, size_t type_1_len);

/* Ours, not in the client's ABI: xmss_verify_type_1 under an explicit verifier policy. The
 * provable security (Johnson-bound regime, BCHKS25 bound) of the proof's parameters is
 * recomputed (never read from the proof) and must be at least min_provable_bits and at least
 * min_conjectured_bits (a conjectured figure is never below the provable one).
 * xmss_verify_type_1 and xmss_verify_aggregated use 124 for both; proofs are made at 124
 * provable bits. */
bool xmss_verify_type_1_with_policy(const HashSigPublicKey *const *public_keys, size_t num_keys,
    const uint8_t *message_hash32, uint32_t slot, const uint8_t *type_1_bytes, size_t type_1_len,
    uint32_t min_provable_bits, uint32_t min_conjectured_bits);

/* Merges num_parts (1 to 16) prod Type-1 proofs with distinct (message, slot) pairs and their
 * key lists (pks_per_part_counts[i] keys each, in order, from pks_flat) into one Type-2 proof:
 * 0, -1 on any error (a part that does not verify among them), -2 if out_cap is too small
 * (*out_written receives the size; the merge is kept, so a retry with the same inputs does
 * not merge again). log_inv_rate must be 1 to 4; the outer proof is at rate 1/4. */
int xmss_merge_type_1_to_type_2(size_t num_parts,
    const uint8_t *const *type_1_proof_ptrs, const size_t *type_1_proof_lens,
    const HashSigPublicKey *const *pks_flat, const size_t *pks_per_part_counts, size_t log_inv_rate,
    uint8_t *out_buf, size_t out_cap, size_t *out_written);

/* Splits the component whose message is target_message_hash32 (the first, if several slots
 * share it) out of the Type-2 proof, given every component's keys (pks_per_message_counts[i]
 * keys each, in order, from pks_flat; num_messages = the number of components; messages and
 * slots are read from the Type-2 header): a Type-1 proof (at the Type-2 parts' rate;
 * log_inv_rate must be in 1..=4) that xmss_verify_type_1 accepts with that component's keys,
 * message and slot alone. (out_buf, out_cap, out_written) protocol: 0 written; -2 if out_cap
 * is too small (*out_written = size; the split is kept for a retry with the same inputs);
 * -1 on any error (malformed or non-prod bytes, NULL arrays or entries, key counts that are not the header's, no
 * component for the message, a Type-2 that does not verify), *out_written = 0. */
int xmss_split_type_2_by_msg(const uint8_t *type_2_bytes, size_t type_2_len,
    const HashSigPublicKey *const *pks_flat, const size_t *pks_per_message_counts, size_t num_messages,
    const uint8_t *target_message_hash32, size_t log_inv_rate,
    uint8_t *out_buf, size_t out_cap, size_t *out_written);

/* True only if the Type-2 proof is valid for exactly these components, in order: message i
 * (message_hashes holds num_messages * 32 bytes), slot message_slots[i] and
 * pks_per_message_counts[i] keys from pks_flat; false for any error. */
bool xmss_verify_type_2(const uint8_t *type_2_bytes, size_t type_2_len,
    const HashSigPublicKey *const *pks_flat, const size_t *pks_per_message_counts, size_t num_messages,
    const uint8_t *message_hashes, const uint32_t *message_slots);

#ifdef __cplusplus
}
#endif

#endif /* MULTISIG_GLUE_H */
