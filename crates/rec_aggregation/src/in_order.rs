//! [`in_order`]: the results of a parallel map over children, parts or components, with the
//! first failure by position, so that the error a caller sees does not depend on which
//! thread failed first (rayon's own `Result` collection stops at whichever it meets).

use rayon::prelude::*;

/// Every item's result, in order, or the error of the first item (by position) that failed.
pub(crate) fn in_order<T: Send, E: Send>(
    results: impl IndexedParallelIterator<Item = Result<T, E>>,
) -> Result<Vec<T>, E> {
    results.collect::<Vec<_>>().into_iter().collect()
}
