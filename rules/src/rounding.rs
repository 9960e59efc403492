//! Exact half-up rounding of averages kept in tenths: an average of scores in tenths is a
//! fraction, rounded to a whole number of tenths (one decimal) with halves going up, in
//! integers so that 8.05 is never 8.0499… in floating point.

/// `numerator / denominator` rounded half up to a whole number.
///
/// # Panics
/// When `denominator` is 0 (no average has an empty denominator: callers always divide by a
/// count of at least one).
pub fn half_up(numerator: u32, denominator: u32) -> u32 {
    assert!(denominator > 0, "an average needs a denominator");
    (2 * numerator + denominator) / (2 * denominator)
}

#[cfg(test)]
mod tests {
    use super::half_up;

    #[test]
    fn halves_go_up_and_the_rest_to_the_nearest() {
        assert_eq!(half_up(644, 8), 81, "80.5 tenths (8.05) rounds to 8.1");
        assert_eq!(half_up(643, 8), 80, "80.375 tenths rounds to 8.0");
        assert_eq!(half_up(205, 3), 68, "68.33 tenths rounds down");
        assert_eq!(half_up(206, 3), 69, "68.67 tenths rounds up");
        assert_eq!(half_up(0, 7), 0);
        assert_eq!(half_up(1000, 10), 100);
    }
}
