//! XMSS benchmarks (filled in below).
fn main() {}
