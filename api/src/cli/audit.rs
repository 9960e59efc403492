//! `emis audit verify`: walks the whole disclosure log and checks every link of its chain
//! with the chain key (opened with the server identity), naming the first broken entry.

use crate::config::Config;
use crate::disclosure::{stored_chain_key, verify_chain};
use crate::vault::Vault;
use emis_crypto::ServerIdentity;
use std::process::ExitCode;

pub(super) async fn verify(config: Config) -> anyhow::Result<ExitCode> {
    let (db, _) = crate::db::connect(&config.database_url, 2, config.db_acquire_timeout()).await?;
    let identity = config.identity_file.as_deref().map(ServerIdentity::from_file).transpose()?;
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
