//! The operator's key and log commands: `emis audit verify` walks the whole disclosure log
//! and checks every link of its chain with the chain key (opened with the server identity),
//! naming the first broken entry; `emis keys rotate` wraps every data key again to the keys
//! the identity file holds, with a progress bar.

use crate::config::Config;
use crate::disclosure::{stored_chain_key, verify_chain};
use crate::vault::Vault;
use std::process::ExitCode;

pub(super) async fn verify(config: Config) -> anyhow::Result<ExitCode> {
    let (db, _) = crate::db::connect(&config.database_url, 2, config.db_acquire_timeout()).await?;
    let identity = config.identity()?;
    let vault = Vault::open(&db, identity).await?;
    let key = stored_chain_key(&db, &vault).await?;
    if key.is_none() {
        println!(
            "Chuỗi không có khóa (máy chủ chưa từng chạy với tệp khóa): chỉ kiểm tra SHA-256 \
             / the chain has no key (no server ran with an identity): checking plain SHA-256 links"
        );
    }
    let started = std::time::Instant::now();
    match verify_chain(&db, key.as_ref()).await? {
        Ok(entries) => {
            println!(
                "Chuỗi nguyên vẹn / chain intact: {entries} mục / entries ({:.1} s)",
                started.elapsed().as_secs_f64()
            );
            Ok(ExitCode::SUCCESS)
        }
        Err(broken) => {
            eprintln!("Chuỗi bị phá vỡ / chain broken: {broken}");
            Ok(ExitCode::FAILURE)
        }
    }
}

pub(super) async fn rotate(config: Config, dry_run: bool) -> anyhow::Result<ExitCode> {
    let Some(identity) = config.identity()? else {
        anyhow::bail!("cần tệp khóa (EMIS_IDENTITY_FILE) / an identity file is needed (EMIS_IDENTITY_FILE)");
    };
    let (db, _) = crate::db::connect(&config.database_url, 2, config.db_acquire_timeout()).await?;
    println!("Bọc lại tới / wrapping to: {}", identity.public_keys().join(", "));
    let bar = if std::io::IsTerminal::is_terminal(&std::io::stderr()) {
        indicatif::ProgressBar::new(0)
    } else {
        indicatif::ProgressBar::hidden()
    };
    bar.set_style(indicatif::ProgressStyle::with_template("{bar:40} {pos}/{len} khóa / keys  {per_sec}  {eta}")?);
    let started = std::time::Instant::now();
    let done = crate::keys::rotate(&db, &identity, dry_run, |seen, total| {
        bar.set_length(total);
        bar.set_position(seen);
    })
    .await?;
    bar.finish_and_clear();
    let seconds = started.elapsed().as_secs_f64();
    if dry_run {
        println!("Thử: không ghi gì / dry run: nothing written ({seconds:.1} s)");
    } else {
        println!(
            "Đã bọc lại {} khóa, bỏ qua {} khóa vừa được ghi bởi máy khác / re-wrapped {} keys, left {} another writer \
             changed meanwhile ({seconds:.1} s)",
            done.rewrapped, done.skipped, done.rewrapped, done.skipped
        );
    }
    if done.unopened.is_empty() {
        return Ok(ExitCode::SUCCESS);
    }
    let mut ids = done.unopened.iter().take(20).map(i64::to_string).collect::<Vec<_>>().join(", ");
    if done.unopened.len() > 20 {
        ids.push_str(", …");
    }
    eprintln!(
        "{} khóa không mở được bằng tệp khóa này, không ghi gì cho chúng / {} keys open with no key of this \
         identity file and were left as they are: {ids}",
        done.unopened.len(),
        done.unopened.len()
    );
    Ok(ExitCode::FAILURE)
}
