//! Input validation and output helpers shared by every exported function.
//!
//! Nothing here trusts the caller: pointers are checked for null and alignment before they
//! become references, lengths are checked against `isize::MAX` before they become slices, and
//! output buffers are written only after the required length is known to fit. [`guard`] wraps
//! each exported body in `catch_unwind` as defence in depth; under `panic = "abort"` it does
//! nothing, which is why every function validates its inputs first and uses no panicking
//! operation on caller data.

use std::panic::{AssertUnwindSafe, catch_unwind};

/// Runs `body`, turning a panic (only possible with `panic = "unwind"`, and only through a bug
/// of ours) into `on_panic`. Never relied upon: inputs are validated before any work.
pub(crate) fn guard<R>(on_panic: R, body: impl FnOnce() -> R) -> R {
    catch_unwind(AssertUnwindSafe(body)).unwrap_or(on_panic)
}

/// A handle type with its tag: every handle type is `repr(C)` and starts with a `u64` field
/// holding its `TAG`, checked before any other field is read.
pub(crate) trait Tagged {
    /// The tag value of this handle type.
    const TAG: u64;
}

/// Borrows a handle after checking null, alignment and the type tag.
///
/// # Safety
/// If `ptr` is non-null and aligned it must point to at least 8 readable bytes; if those hold
/// `T`'s tag it must be a live `T` handle of this library, valid for `'a`.
pub(crate) unsafe fn handle<'a, T: Tagged>(ptr: *const T) -> Option<&'a T> {
    if ptr.is_null() || !ptr.is_aligned() {
        return None;
    }
    // SAFETY: every handle type is `repr(C)` with a `u64` tag first, so an aligned non-null
    // handle pointer points to a readable, aligned `u64` (caller guarantee).
    let tag = unsafe { ptr.cast::<u64>().read() };
    if tag != T::TAG {
        return None;
    }
    // SAFETY: the tag matches, so by the caller's guarantee this is a live `T` for `'a`.
    Some(unsafe { &*ptr })
}

/// Takes back ownership of a boxed handle for `*_free`: `None` for NULL, a wrong tag, or
/// (for public keys) a borrowed key. Clears the tag so that a second free of the same pointer
/// is more likely to be caught (best effort: the memory is released right after).
///
/// # Safety
/// As [`handle`]; in addition a tagged, owned handle must have come from `Box::into_raw` in
/// this library and must not be used again.
pub(crate) unsafe fn take<T: Tagged>(
    ptr: *mut T,
    owned: impl FnOnce(&T) -> bool,
) -> Option<Box<T>> {
    // SAFETY: forwarded caller guarantee.
    let h = unsafe { handle(ptr.cast_const()) }?;
    if !owned(h) {
        return None;
    }
    // SAFETY: `ptr` is a live, owned handle (tag checked, caller guarantee), so writing its
    // tag and reclaiming the box are sound; nothing uses it afterwards.
    unsafe {
        ptr.cast::<u64>().write(0);
        Some(Box::from_raw(ptr))
    }
}

/// Borrows an array of `n` handle pointers (`const T *const *`) and each handle in it; `None`
/// if the array pointer is null (with `n > 0`) or misaligned, if `n` pointers cannot fit in
/// an allocation, or if any entry is null, misaligned or not a `T` handle.
///
/// # Safety
/// If `ptrs` is non-null and aligned it must point to `n` readable pointers, each of which
/// satisfies [`handle`]'s requirement, all valid for `'a`.
pub(crate) unsafe fn handles<'a, T: Tagged>(ptrs: *const *const T, n: usize) -> Option<Vec<&'a T>> {
    if n == 0 {
        return Some(Vec::new());
    }
    if ptrs.is_null()
        || !ptrs.is_aligned()
        || n > isize::MAX as usize / std::mem::size_of::<*const T>()
    {
        return None;
    }
    // SAFETY: `ptrs` is non-null and aligned, `n` pointers span at most `isize::MAX` bytes,
    // and the caller guarantees `n` readable pointers valid for `'a`.
    let entries = unsafe { std::slice::from_raw_parts(ptrs, n) };
    entries
        .iter()
        // SAFETY: forwarded caller guarantee on every entry.
        .map(|&p| unsafe { handle(p) })
        .collect()
}

/// Borrows `len` bytes at `ptr`; `None` for a null pointer with a non-zero length or a length
/// no allocation can have. A null pointer with length 0 is the empty slice.
///
/// # Safety
/// If `ptr` is non-null it must point to `len` readable bytes that stay valid and unmodified
/// for `'a`.
pub(crate) unsafe fn bytes<'a>(ptr: *const u8, len: usize) -> Option<&'a [u8]> {
    if len == 0 {
        return Some(&[]);
    }
    if ptr.is_null() || len > isize::MAX as usize {
        return None;
    }
    // SAFETY: `ptr` is non-null, `u8` has alignment 1, `len <= isize::MAX`, and the caller
    // guarantees `len` readable bytes that live for `'a`.
    Some(unsafe { std::slice::from_raw_parts(ptr, len) })
}

/// Borrows exactly 32 bytes (a message or message hash); `None` for a null pointer.
///
/// # Safety
/// If `ptr` is non-null it must point to 32 readable bytes valid for `'a`.
pub(crate) unsafe fn message<'a>(ptr: *const u8) -> Option<&'a [u8; 32]> {
    if ptr.is_null() {
        return None;
    }
    // SAFETY: non-null, alignment 1, and the caller guarantees 32 readable bytes for `'a`.
    Some(unsafe { &*ptr.cast::<[u8; 32]>() })
}

/// Copies `data` into `(buf, buf_len)` for the `*_to_bytes` functions: returns the number of
/// bytes written, or 0 when `buf` is null, misused or too small (nothing is written then).
///
/// # Safety
/// If `buf` is non-null it must point to `buf_len` writable bytes.
pub(crate) unsafe fn copy_to_bytes(data: &[u8], buf: *mut u8, buf_len: usize) -> usize {
    if buf.is_null() || buf_len < data.len() || data.is_empty() {
        return 0;
    }
    // SAFETY: `buf` is non-null and the caller guarantees `buf_len >= data.len()` writable
    // bytes; `data` is our own allocation, so the two cannot overlap unless the caller passes
    // a pointer into a handle, which the documentation forbids.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), buf, data.len()) };
    data.len()
}

/// Return code of the (out_buf, out_cap, out_written) protocol: success.
pub(crate) const OUT_OK: i32 = 0;
/// Return code of the (out_buf, out_cap, out_written) protocol: any error.
pub(crate) const OUT_ERROR: i32 = -1;
/// Return code of the (out_buf, out_cap, out_written) protocol: `out_cap` is too small.
pub(crate) const OUT_TOO_SMALL: i32 = -2;

/// Stores `value` into `*out_written` if that pointer is non-null and aligned.
///
/// # Safety
/// If `out_written` is non-null and aligned it must point to a writable `size_t`.
pub(crate) unsafe fn set_written(out_written: *mut usize, value: usize) {
    if !out_written.is_null() && out_written.is_aligned() {
        // SAFETY: non-null, aligned, and the caller guarantees a writable `size_t`.
        unsafe { out_written.write(value) };
    }
}

/// The (out_buf, out_cap, out_written) protocol: writes `data` to `out_buf` and returns 0 if
/// it fits, returns -2 if `out_cap` is too small (nothing written) and -1 if `out_buf` is null
/// while `data` is not empty. Whenever `out_written` is non-null it receives `data.len()`, the
/// required length, on -2 too (and on -1 for a null `out_buf`, so that a size query with
/// `out_buf = NULL, out_cap = 0` returns -2 with the length).
///
/// # Safety
/// If `out_buf` is non-null it must point to `out_cap` writable bytes; `out_written` as in
/// [`set_written`].
pub(crate) unsafe fn write_out(
    data: &[u8],
    out_buf: *mut u8,
    out_cap: usize,
    out_written: *mut usize,
) -> i32 {
    // SAFETY: forwarded caller guarantee on `out_written`.
    unsafe { set_written(out_written, data.len()) };
    if out_cap < data.len() {
        return OUT_TOO_SMALL;
    }
    if data.is_empty() {
        return OUT_OK;
    }
    if out_buf.is_null() {
        return OUT_ERROR;
    }
    // SAFETY: `out_buf` is non-null and the caller guarantees `out_cap >= data.len()` writable
    // bytes that do not overlap our own allocation `data`.
    unsafe { std::ptr::copy_nonoverlapping(data.as_ptr(), out_buf, data.len()) };
    OUT_OK
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn bytes_rejects_null_and_huge_lengths() {
        // SAFETY: null pointers and zero lengths are never dereferenced.
        unsafe {
            assert_eq!(bytes(std::ptr::null(), 0), Some(&[][..]));
            assert_eq!(bytes(std::ptr::null(), 1), None);
            let one = [7u8];
            assert_eq!(bytes(one.as_ptr(), usize::MAX), None);
            assert_eq!(bytes(one.as_ptr(), 1), Some(&one[..]));
        }
    }

    #[test]
    fn write_out_follows_the_minus_two_protocol() {
        let data = [1u8, 2, 3, 4];
        let mut buf = [0u8; 8];
        let mut written = 0usize;
        // SAFETY: `buf` has the capacities passed; `written` is a valid `size_t`.
        unsafe {
            assert_eq!(write_out(&data, buf.as_mut_ptr(), 3, &mut written), -2);
            assert_eq!(written, 4);
            assert_eq!(buf, [0; 8]);
            assert_eq!(write_out(&data, std::ptr::null_mut(), 0, &mut written), -2);
            assert_eq!(write_out(&data, std::ptr::null_mut(), 8, &mut written), -1);
            written = 0;
            assert_eq!(write_out(&data, buf.as_mut_ptr(), 8, &mut written), 0);
            assert_eq!(written, 4);
            assert_eq!(&buf[..4], &data);
            assert_eq!(
                write_out(&data, buf.as_mut_ptr(), 8, std::ptr::null_mut()),
                0
            );
        }
    }

    #[test]
    fn guard_turns_panics_into_the_error_value() {
        assert_eq!(guard(-1, || 5), 5);
        let prev = std::panic::take_hook();
        std::panic::set_hook(Box::new(|_| {}));
        let r = guard(-1, || -> i32 { panic!("planted") });
        std::panic::set_hook(prev);
        assert_eq!(r, -1);
    }
}
