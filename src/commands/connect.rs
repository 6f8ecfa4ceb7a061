//! `holdem-arena connect`: play a built-in bot over the wire, on JSON lines
//! (stdin/stdout) or on an Open Poker WebSocket server (`--url`).

use super::{CommandError, failed, usage};
use crate::bots;
use crate::config::known_bots;
use crate::protocol::client;
use std::process::ExitCode;

/// Options of `holdem-arena connect`.
#[derive(clap::Args, Debug)]
pub struct ConnectArgs {
    /// The registered bot to play (see `holdem-arena bots`).
    #[arg(long)]
    bot: String,
    /// Play on an Open Poker WebSocket server instead (`wss://openpoker.ai/ws` over
    /// TLS, or `ws://HOST:PORT/ws`). The API key is read from `OPENPOKER_API_KEY`.
    #[arg(long)]
    url: Option<String>,
    /// A PEM file of CA certificates to trust besides the usual roots (Mozilla's),
    /// for a wss:// server with a private or self-signed certificate (with a wss://
    /// --url).
    #[arg(long, requires = "url", value_name = "FILE")]
    ca_cert: Option<std::path::PathBuf>,
    /// Buy-in in chips sent with `join_lobby`, 1000 to 5000 (with --url; the
    /// server's default is 2000).
    #[arg(long, requires = "url", allow_hyphen_values = true)]
    buy_in: Option<String>,
    /// Seconds without any frame from the server (pongs to our pings included)
    /// before giving up with exit 1 (with --url).
    #[arg(long, requires = "url", allow_negative_numbers = true, default_value_t = crate::protocol::client::DEFAULT_IDLE_LIMIT_S)]
    idle_limit: f64,
}

/// Runs `holdem-arena connect`.
///
/// # Errors
/// Exit 2 for an unknown bot, a bad URL, CA file, key or buy-in; exit 1 when the
/// connection fails (TLS included) or the server closes abnormally.
pub fn connect(args: ConnectArgs) -> Result<ExitCode, CommandError> {
    let ConnectArgs {
        bot,
        url,
        ca_cert,
        buy_in,
        idle_limit,
    } = args;
    let Some(info) = bots::find(&bot) else {
        return Err(usage(format!(
            "unknown bot {bot:?} in --bot: known bots are {}",
            known_bots()
        )));
    };
    if let Some(url) = url {
        let key = match std::env::var("OPENPOKER_API_KEY") {
            Ok(k) => Some(k),
            Err(std::env::VarError::NotPresent) => None,
            Err(std::env::VarError::NotUnicode(_)) => {
                return Err(usage(
                    "OPENPOKER_API_KEY is not valid UTF-8: give the key exactly as Open Poker shows it".into(),
                ));
            }
        };
        let buy_in = buy_in.as_deref().map(client::parse_buy_in).transpose();
        let target = buy_in
            .and_then(|b| {
                client::WsTarget::new(&url, key.as_deref(), b, idle_limit, ca_cert.as_deref())
            })
            .map_err(|e| usage(e.to_string()))?;
        client::serve_websocket((info.make)(), &target).map_err(|e| match e {
            client::ConnectError::BadInput(m) => usage(m),
            client::ConnectError::Failed(m) => failed(m),
        })?;
        return Ok(ExitCode::SUCCESS);
    }
    let stdin = std::io::stdin().lock();
    let stdout = std::io::BufWriter::new(std::io::stdout().lock());
    client::serve_lines((info.make)(), stdin, stdout)
        .map_err(|e| failed(format!("connect: {e}")))?;
    Ok(ExitCode::SUCCESS)
}
