//! Wire protocols: serde types for the messages of the platforms whose decision
//! interface the engine mirrors, and external bots that speak them over pipes.
//!
//! - [`openpoker`]: Open Poker (`../shared/reference/openpoker-websocket-protocol.txt`).
//! - [`claw`]: Claw Poker (`../shared/reference/clawpoker-api.txt`).
//! - [`external`]: a [`crate::bot::Bot`] played by a child process speaking either
//!   dialect as JSON lines on stdin/stdout (`--bots 'exec:python3 bot.py'`).
//! - [`client`]: the other direction: any registered bot answering `your_turn`
//!   messages read as JSON lines (`holdem-arena connect`).
//!
//! Chips are integers in the engine and numbers on the wire (Open Poker writes
//! floats such as `2000.0`; Claw Poker integers); conversions happen here only.

pub mod claw;
pub mod client;
#[cfg(unix)]
pub mod external;
pub mod openpoker;
