//! Wire protocols: serde types for the messages of the platforms whose decision
//! interface the engine mirrors, and external bots that speak them over pipes.
//!
//! - [`openpoker`]: Open Poker (`../shared/reference/openpoker-websocket-protocol.txt`).
//! - [`claw`]: Claw Poker (`../shared/reference/clawpoker-api.txt`).
//! - [`external`]: a [`crate::bot::Bot`] played by a child process speaking either
//!   dialect as JSON lines on stdin/stdout (`--bots 'exec:python3 bot.py'`).
//! - `rest`: the offline server's REST endpoints (Claw's `/api/v1/...`).
//! - `observe`: the table's public events for spectators (Claw's `/ws/observe`).
//! - [`table_view`]: the table as one Open Poker player sees it, for `table_state`.
//! - [`client`]: the other direction: any registered bot answering `your_turn`
//!   messages read as JSON lines (`holdem-arena connect`).
//!
//! Chips are integers in the engine and numbers on the wire (Open Poker writes
//! floats such as `2000.0`; Claw Poker integers); conversions happen here only.

pub mod claw;
pub mod client;
#[cfg(unix)]
pub mod external;
pub mod latency;
#[cfg(unix)]
pub mod observe;
pub mod openpoker;
#[cfg(unix)]
pub mod rest;
pub mod table_view;
#[cfg(unix)]
pub mod ws_server;

/// A message from the other side of the wire that cannot be used, and why (a card
/// that is not a card, a board of 2 cards, an action list without amounts...).
#[derive(Clone, Debug, PartialEq, Eq, thiserror::Error)]
#[error("{0}")]
pub struct WireError(pub String);

impl From<crate::cards::ParseCardError> for WireError {
    fn from(e: crate::cards::ParseCardError) -> WireError {
        WireError(e.to_string())
    }
}

impl From<&str> for WireError {
    fn from(e: &str) -> WireError {
        WireError(e.to_string())
    }
}

impl From<String> for WireError {
    fn from(e: String) -> WireError {
        WireError(e)
    }
}
