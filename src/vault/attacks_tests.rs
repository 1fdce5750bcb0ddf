//! Attacks as a hostile credential holder would run them.
