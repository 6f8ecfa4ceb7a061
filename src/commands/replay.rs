//! `holdem-arena replay`: play one hand of a run again and print it street by street
//! (or, with `--phh`, in PHH).

use super::{CommandError, TableArgs, print_stdout};
use crate::config::{DEFAULT_LINEUP, Lineup, RunConfig, RunSettings};
use crate::history::replay;
use std::process::ExitCode;

/// Options of `holdem-arena replay`: the run's line-up, seed and table options, and
/// the hand to replay.
#[derive(clap::Args, Debug)]
pub struct ReplayArgs {
    /// The run's seed.
    #[arg(long)]
    pub seed: u64,
    /// Index of the hand to replay (0-based, as `_hand_index` in PHH).
    #[arg(long)]
    pub hand: u64,
    /// The run's line-up: comma-separated bot names, seat 0 first.
    #[arg(long, default_value = DEFAULT_LINEUP)]
    pub bots: String,
    /// The run's blinds, ante and stacks.
    #[command(flatten)]
    pub table: TableArgs,
    /// Print the hand in PHH instead of the readable history.
    #[arg(long)]
    pub phh: bool,
}

/// Runs `holdem-arena replay`: plays the hand again (on one thread, after the earlier
/// hands of its chunk, so that bots remember what they did in the run) and prints it.
///
/// # Errors
/// Exit 2 for bad input.
pub fn replay(args: &ReplayArgs) -> Result<ExitCode, CommandError> {
    let settings = RunSettings {
        threads: Some(1),
        table: args.table.settings()?,
        ..RunSettings::new(
            Lineup::parse(&args.bots)?,
            args.hand.saturating_add(1),
            args.seed,
        )
    };
    let config = RunConfig::new(settings)?;
    if config.session.is_some() {
        return Err(super::usage(
            "replay --session: a session hand depends on the session's earlier hands, which replay does not play yet; export the session's hands with run --hand-histories FILE --history-hands N".into(),
        ));
    }
    let hand = replay::replay(&config, args.hand);
    print_stdout(if args.phh { &hand.phh } else { &hand.text })?;
    Ok(ExitCode::SUCCESS)
}
