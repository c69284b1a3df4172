//! glue_test.zig: links libmultisig_glue.a the way the Zig consensus client does
//! (`zig test glue_test.zig libmultisig_glue.a -lc -lunwind`) and declares the functions as
//! `extern fn` with the C types of `include/multisig_glue.h`.
//!
//! `scripts/glue-matrix.sh` copies this file into a build directory next to a generated
//! `vectors.zig` (hex strings of `../shared/vectors/xmss_{prod_,}test_vector.json`) and, when
//! the C test ran first, `pk.ssz` (the public key the C test generated from the same seed:
//! key generation must agree across languages and builds).

const std = @import("std");
const testing = std.testing;
const vectors = @import("vectors.zig");

// ---- the ABI, as the client declares it ----
pub const HashSigKeyPair = opaque {};
pub const HashSigPrivateKey = opaque {};
pub const HashSigPublicKey = opaque {};
pub const HashSigSignature = opaque {};
pub const AggregatedXMSS = opaque {};

extern fn hashsig_keypair_generate(seed_phrase: ?[*:0]const u8, activation_epoch: usize, num_active_epochs: usize) ?*HashSigKeyPair;
extern fn hashsig_keypair_from_ssz(sk: ?[*]const u8, sk_len: usize, pk: ?[*]const u8, pk_len: usize) ?*HashSigKeyPair;
extern fn hashsig_keypair_free(kp: ?*HashSigKeyPair) void;
extern fn hashsig_keypair_get_public_key(kp: ?*const HashSigKeyPair) ?*const HashSigPublicKey;
extern fn hashsig_keypair_get_private_key(kp: ?*const HashSigKeyPair) ?*const HashSigPrivateKey;
extern fn hashsig_sign(sk: ?*const HashSigPrivateKey, msg32: ?[*]const u8, epoch: u32) ?*HashSigSignature;
extern fn hashsig_verify(pk: ?*const HashSigPublicKey, msg32: ?[*]const u8, epoch: u32, sig: ?*const HashSigSignature) i32;
extern fn hashsig_public_key_to_bytes(pk: ?*const HashSigPublicKey, buf: ?[*]u8, buf_len: usize) usize;
extern fn hashsig_private_key_to_bytes(sk: ?*const HashSigPrivateKey, buf: ?[*]u8, buf_len: usize) usize;
extern fn hashsig_signature_to_bytes(sig: ?*const HashSigSignature, buf: ?[*]u8, buf_len: usize) usize;
extern fn hashsig_signature_from_ssz(bytes: ?[*]const u8, len: usize) ?*HashSigSignature;
extern fn hashsig_signature_free(sig: ?*HashSigSignature) void;
extern fn hashsig_public_key_from_ssz(bytes: ?[*]const u8, len: usize) ?*HashSigPublicKey;
extern fn hashsig_public_key_free(pk: ?*HashSigPublicKey) void;
extern fn hashsig_message_length() usize;
extern fn hashsig_verify_ssz(pk: ?[*]const u8, pk_len: usize, msg32: ?[*]const u8, epoch: u32, sig: ?[*]const u8, sig_len: usize) i32;
extern fn hashsig_test_verify_ssz(pk: ?[*]const u8, pk_len: usize, msg32: ?[*]const u8, epoch: u32, sig: ?[*]const u8, sig_len: usize) i32;

extern fn xmss_setup_prover() c_int;
extern fn xmss_setup_verifier() c_int;
extern fn xmss_aggregate(
    raw_pub_keys: ?[*]const ?*const HashSigPublicKey,
    raw_signatures: ?[*]const ?*const HashSigSignature,
    num_raw: usize,
    num_children: usize,
    child_all_pub_keys: ?[*]const ?*const HashSigPublicKey,
    child_num_keys: ?[*]const usize,
    child_proof_ptrs: ?[*]const ?[*]const u8,
    child_proof_lens: ?[*]const usize,
    message_hash32: ?[*]const u8,
    slot: u32,
    log_inv_rate: usize,
) ?*AggregatedXMSS;
extern fn xmss_verify_aggregated(public_keys: ?[*]const ?*const HashSigPublicKey, num_keys: usize, message_hash32: ?[*]const u8, agg_sig_bytes: ?[*]const u8, agg_sig_len: usize, slot: u32) bool;
extern fn xmss_aggregate_signature_to_bytes(agg: ?*const AggregatedXMSS, buf: ?[*]u8, buf_len: usize) usize;
extern fn xmss_aggregate_signature_from_bytes(bytes: ?[*]const u8, len: usize) ?*AggregatedXMSS;
extern fn xmss_free_aggregate_signature(agg: ?*AggregatedXMSS) void;

extern fn xmss_setup_aggregation() c_int;
extern fn xmss_set_rayon_threads(num_threads: usize) c_int;
extern fn xmss_aggregate_type_1(
    raw_pub_keys: ?[*]const ?*const HashSigPublicKey,
    raw_signatures: ?[*]const ?*const HashSigSignature,
    num_raw: usize,
    num_children: usize,
    child_all_pub_keys: ?[*]const ?*const HashSigPublicKey,
    child_num_keys: ?[*]const usize,
    child_proof_ptrs: ?[*]const ?[*]const u8,
    child_proof_lens: ?[*]const usize,
    message_hash32: ?[*]const u8,
    slot: u32,
    log_inv_rate: usize,
    out_buf: ?[*]u8,
    out_cap: usize,
    out_written: ?*usize,
) c_int;
extern fn xmss_verify_type_1(public_keys: ?[*]const ?*const HashSigPublicKey, num_keys: usize, message_hash32: ?[*]const u8, slot: u32, type_1_bytes: ?[*]const u8, type_1_len: usize) bool;
extern fn xmss_merge_type_1_to_type_2(
    num_parts: usize,
    type_1_proof_ptrs: ?[*]const ?[*]const u8,
    type_1_proof_lens: ?[*]const usize,
    pks_flat: ?[*]const ?*const HashSigPublicKey,
    pks_per_part_counts: ?[*]const usize,
    log_inv_rate: usize,
    out_buf: ?[*]u8,
    out_cap: usize,
    out_written: ?*usize,
) c_int;
extern fn xmss_split_type_2_by_msg(
    type_2_bytes: ?[*]const u8,
    type_2_len: usize,
    pks_flat: ?[*]const ?*const HashSigPublicKey,
    pks_per_message_counts: ?[*]const usize,
    num_messages: usize,
    target_message_hash32: ?[*]const u8,
    log_inv_rate: usize,
    out_buf: ?[*]u8,
    out_cap: usize,
    out_written: ?*usize,
) c_int;
extern fn xmss_verify_type_2(type_2_bytes: ?[*]const u8, type_2_len: usize, pks_flat: ?[*]const ?*const HashSigPublicKey, pks_per_message_counts: ?[*]const usize, num_messages: usize, message_hashes: ?[*]const u8, message_slots: ?[*]const u32) bool;

// Additions of our header (the (out_buf, out_cap, out_written) protocol).
extern fn multisig_glue_private_key_to_ssz(sk: ?*const HashSigPrivateKey, out_buf: ?[*]u8, out_cap: usize, out_written: ?*usize) c_int;
extern fn multisig_glue_signature_to_ssz(sig: ?*const HashSigSignature, out_buf: ?[*]u8, out_cap: usize, out_written: ?*usize) c_int;

// ---- helpers ----
const Vector = struct {
    pk: [52]u8,
    msg: [32]u8,
    slot: u32,
    sig: []u8,
};

fn decodeVector(comptime v: anytype, sig_buf: []u8) !Vector {
    var out: Vector = undefined;
    _ = try std.fmt.hexToBytes(&out.pk, v.public_key);
    _ = try std.fmt.hexToBytes(&out.msg, v.message);
    out.slot = v.slot;
    out.sig = try std.fmt.hexToBytes(sig_buf, v.signature_ssz);
    return out;
}

// ---- tests ----
// One test function: the rayon pool must be configured before any hashing, and Zig runs
// tests in declaration order on one thread.
test "multisig_glue from Zig" {
    var prod_sig: [2536]u8 = undefined;
    var test_sig: [424]u8 = undefined;
    const prod = try decodeVector(vectors.prod, &prod_sig);
    const tv = try decodeVector(vectors.testcfg, &test_sig);

    // Setup and the rayon pool.
    try testing.expectEqual(@as(usize, 32), hashsig_message_length());
    try testing.expectEqual(@as(c_int, 0), xmss_set_rayon_threads(0));
    try testing.expectEqual(@as(c_int, 0), xmss_set_rayon_threads(0));
    try testing.expectEqual(@as(c_int, -1), xmss_set_rayon_threads(2));
    try testing.expectEqual(@as(c_int, 0), xmss_setup_prover());
    try testing.expectEqual(@as(c_int, 0), xmss_setup_verifier());
    try testing.expectEqual(@as(c_int, 0), xmss_setup_aggregation());

    // The vectors, and malformed inputs.
    try testing.expectEqual(@as(i32, 1), hashsig_verify_ssz(&prod.pk, 52, &prod.msg, prod.slot, prod.sig.ptr, prod.sig.len));
    try testing.expectEqual(@as(i32, 0), hashsig_verify_ssz(&prod.pk, 52, &prod.msg, prod.slot + 1, prod.sig.ptr, prod.sig.len));
    try testing.expectEqual(@as(i32, 1), hashsig_test_verify_ssz(&tv.pk, 52, &tv.msg, tv.slot, tv.sig.ptr, tv.sig.len));
    try testing.expectEqual(@as(i32, -1), hashsig_test_verify_ssz(&prod.pk, 52, &prod.msg, prod.slot, prod.sig.ptr, prod.sig.len));
    try testing.expectEqual(@as(i32, -1), hashsig_verify_ssz(null, 52, &prod.msg, prod.slot, prod.sig.ptr, prod.sig.len));
    try testing.expectEqual(@as(i32, -1), hashsig_verify_ssz(&prod.pk, 52, null, prod.slot, prod.sig.ptr, prod.sig.len));
    try testing.expectEqual(@as(i32, -1), hashsig_verify_ssz(&prod.pk, 52, &prod.msg, prod.slot, prod.sig.ptr, 100));
    var garbage: [2536]u8 = @splat(0xee);
    try testing.expectEqual(@as(i32, -1), hashsig_verify_ssz(&prod.pk, 52, &prod.msg, prod.slot, &garbage, garbage.len));
    try testing.expect(hashsig_signature_from_ssz(&garbage, garbage.len) == null);
    try testing.expect(hashsig_public_key_from_ssz(&prod.pk, 51) == null);

    // Handles from SSZ and round trips.
    const vpk = hashsig_public_key_from_ssz(&prod.pk, 52) orelse return error.NullPublicKey;
    defer hashsig_public_key_free(vpk);
    const vsig = hashsig_signature_from_ssz(prod.sig.ptr, prod.sig.len) orelse return error.NullSignature;
    defer hashsig_signature_free(vsig);
    try testing.expectEqual(@as(i32, 1), hashsig_verify(vpk, &prod.msg, prod.slot, vsig));
    try testing.expectEqual(@as(i32, -1), hashsig_verify(null, &prod.msg, prod.slot, vsig));
    var buf: [2536]u8 = undefined;
    try testing.expectEqual(@as(usize, 2536), hashsig_signature_to_bytes(vsig, &buf, buf.len));
    try testing.expectEqualSlices(u8, prod.sig, &buf);
    try testing.expectEqual(@as(usize, 0), hashsig_signature_to_bytes(vsig, &buf, 2535));
    var written: usize = 0;
    try testing.expectEqual(@as(c_int, -2), multisig_glue_signature_to_ssz(vsig, null, 0, &written));
    try testing.expectEqual(@as(usize, 2536), written);
    try testing.expectEqual(@as(c_int, 0), multisig_glue_signature_to_ssz(vsig, &buf, buf.len, &written));

    // Key generation from a seed (the same seed as the C test), signing, verification.
    const kp = hashsig_keypair_generate("multisig-glue C test seed", 0, 10) orelse return error.NullKeyPair;
    defer hashsig_keypair_free(kp);
    const pk = hashsig_keypair_get_public_key(kp) orelse return error.NullPublicKey;
    const sk = hashsig_keypair_get_private_key(kp) orelse return error.NullPrivateKey;
    var pk_bytes: [52]u8 = undefined;
    try testing.expectEqual(@as(usize, 52), hashsig_public_key_to_bytes(pk, &pk_bytes, 52));
    if (vectors.c_test_pk) |c_pk| {
        var expected: [52]u8 = undefined;
        _ = try std.fmt.hexToBytes(&expected, c_pk);
        try testing.expectEqualSlices(u8, &expected, &pk_bytes);
    }
    var msg: [32]u8 = undefined;
    for (&msg, 0..) |*b, i| b.* = @intCast(i);
    const sig = hashsig_sign(sk, &msg, 3) orelse return error.NullSignature;
    defer hashsig_signature_free(sig);
    try testing.expectEqual(@as(i32, 1), hashsig_verify(pk, &msg, 3, sig));
    try testing.expectEqual(@as(i32, 0), hashsig_verify(pk, &msg, 4, sig));
    try testing.expectEqual(@as(i32, 0), hashsig_verify(vpk, &msg, 3, sig));
    try testing.expect(hashsig_sign(null, &msg, 3) == null);
    try testing.expect(hashsig_sign(sk, &msg, 0xffff_ffff) == null);
    try testing.expect(hashsig_keypair_generate(null, 0, 10) == null);
    try testing.expect(hashsig_keypair_generate("x", 0, 0) == null);

    // Secret key: size query with -2, then a round trip into a second key pair.
    var sk_len: usize = 0;
    try testing.expectEqual(@as(c_int, -2), multisig_glue_private_key_to_ssz(sk, null, 0, &sk_len));
    const sk_bytes = try testing.allocator.alloc(u8, sk_len);
    defer testing.allocator.free(sk_bytes);
    try testing.expectEqual(sk_len, hashsig_private_key_to_bytes(sk, sk_bytes.ptr, sk_len));
    const kp2 = hashsig_keypair_from_ssz(sk_bytes.ptr, sk_len, &pk_bytes, 52) orelse return error.NullKeyPair;
    defer hashsig_keypair_free(kp2);
    try testing.expect(hashsig_keypair_from_ssz(sk_bytes.ptr, sk_len - 1, &pk_bytes, 52) == null);
    const sig2 = hashsig_sign(hashsig_keypair_get_private_key(kp2), &msg, 3) orelse return error.NullSignature;
    defer hashsig_signature_free(sig2);
    var b1: [2536]u8 = undefined;
    var b2: [2536]u8 = undefined;
    _ = hashsig_signature_to_bytes(sig, &b1, b1.len);
    _ = hashsig_signature_to_bytes(sig2, &b2, b2.len);
    try testing.expectEqualSlices(u8, &b1, &b2);

    // Several threads on the shared handles.
    const Worker = struct {
        fn run(k: *const HashSigPrivateKey, p: *const HashSigPublicKey, v: *const Vector, first: u32, ok: *bool) void {
            ok.* = true;
            var e = first;
            while (e < first + 3) : (e += 1) {
                var m: [32]u8 = @splat(@truncate(e));
                const s = hashsig_sign(k, &m, e);
                if (s == null or hashsig_verify(p, &m, e, s) != 1) ok.* = false;
                hashsig_signature_free(s);
                if (hashsig_verify_ssz(&v.pk, 52, &v.msg, v.slot, v.sig.ptr, v.sig.len) != 1) ok.* = false;
            }
        }
    };
    var oks: [4]bool = @splat(false);
    var threads: [4]std.Thread = undefined;
    for (&threads, 0..) |*t, i| {
        t.* = try std.Thread.spawn(.{}, Worker.run, .{ sk, pk, &prod, @as(u32, @intCast(200 + 10 * i)), &oks[i] });
    }
    for (threads) |t| t.join();
    for (oks) |ok| try testing.expect(ok);

    // Aggregation is not implemented yet: valid-looking inputs get the failure value.
    const pks = [_]?*const HashSigPublicKey{pk};
    const sigs = [_]?*const HashSigSignature{sig};
    const out = try testing.allocator.alloc(u8, 512 * 1024);
    defer testing.allocator.free(out);
    written = 99;
    try testing.expect(xmss_aggregate(&pks, &sigs, 1, 0, null, null, null, null, &msg, 3, 2) == null);
    try testing.expect(!xmss_verify_aggregated(&pks, 1, &msg, &b1, b1.len, 3));
    try testing.expectEqual(@as(usize, 0), xmss_aggregate_signature_to_bytes(null, out.ptr, out.len));
    try testing.expect(xmss_aggregate_signature_from_bytes(&b1, b1.len) == null);
    xmss_free_aggregate_signature(null);
    try testing.expectEqual(@as(c_int, -1), xmss_aggregate_type_1(&pks, &sigs, 1, 0, null, null, null, null, &msg, 3, 2, out.ptr, out.len, &written));
    try testing.expectEqual(@as(usize, 0), written);
    try testing.expect(!xmss_verify_type_1(&pks, 1, &msg, 3, out.ptr, 1024));
    const parts = [_]?[*]const u8{out.ptr};
    const lens = [_]usize{1024};
    const counts = [_]usize{1};
    try testing.expectEqual(@as(c_int, -1), xmss_merge_type_1_to_type_2(1, &parts, &lens, &pks, &counts, 2, out.ptr, out.len, &written));
    try testing.expectEqual(@as(c_int, -1), xmss_split_type_2_by_msg(out.ptr, 1024, &pks, &counts, 1, &msg, 2, out.ptr, out.len, &written));
    const slots = [_]u32{3};
    try testing.expect(!xmss_verify_type_2(out.ptr, 1024, &pks, &counts, 1, &msg, &slots));
}
