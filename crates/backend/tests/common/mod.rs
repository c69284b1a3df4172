//! Helpers shared by the backend integration tests.

/// A 1-thread and a 2-thread rayon pool, for checking that results do not depend on the
/// thread count.
pub fn one_and_two_thread_pools() -> (rayon::ThreadPool, rayon::ThreadPool) {
    let pool = |n| {
        rayon::ThreadPoolBuilder::new()
            .num_threads(n)
            .build()
            .expect("a rayon pool can be built")
    };
    (pool(1), pool(2))
}
