//! Times opening a page of 1,000 sealed values (12–40 bytes each) under one
//! data key. Run with `cargo run --release -p emis-crypto --example open_page`.

use std::time::{Duration, Instant};

use emis_crypto::{CryptoError, DataKey, FieldContext, open, seal};

const VALUES: usize = 1000;
const RUNS: usize = 5;
const TABLE: &str = "student";
const COLUMN: &str = "address";

fn main() -> Result<(), CryptoError> {
    let key = DataKey::generate();
    let sealed = seal_page(&key)?;
    let mut best = Duration::MAX;
    for _ in 0..RUNS {
        best = best.min(time_open_page(&key, &sealed)?);
    }
    println!("opened {VALUES} values in {:.3} ms", best.as_secs_f64() * 1e3);
    Ok(())
}

/// Seals `VALUES` values whose lengths cycle through 12..=40 bytes.
fn seal_page(key: &DataKey) -> Result<Vec<(i64, Vec<u8>)>, CryptoError> {
    (0..VALUES)
        .map(|i| {
            let row_id = i64::try_from(i).unwrap_or(i64::MAX);
            let plaintext = vec![b'a' + (i % 26) as u8; 12 + i % 29];
            let ctx = field(row_id);
            seal(key, 1, &ctx, &plaintext).map(|value| (row_id, value))
        })
        .collect()
}

/// Opens every value once and returns the elapsed time.
fn time_open_page(key: &DataKey, sealed: &[(i64, Vec<u8>)]) -> Result<Duration, CryptoError> {
    let start = Instant::now();
    let mut total = 0usize;
    for (row_id, value) in sealed {
        total += open(key, &field(*row_id), value)?.len();
    }
    let elapsed = start.elapsed();
    std::hint::black_box(total);
    Ok(elapsed)
}

fn field(row_id: i64) -> FieldContext<'static> {
    FieldContext { table: TABLE, column: COLUMN, row_id }
}
