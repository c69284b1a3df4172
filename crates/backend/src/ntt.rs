//! Number-theoretic transforms over KoalaBear (placeholder: being written next).
