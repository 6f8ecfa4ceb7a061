//! The command line: clap's definitions of the commands and the dispatch to their
//! bodies in [`crate::commands`] (as ripgrep's thin main). `main` parses, runs, prints
//! an error as one line on stderr and exits with its code.
//!
//! Exit codes: 0 success; 1 a run failed, a bot behind a wire faulted, or a verdict
//! was refused (`gate`: the candidate is worse); 2 bad input (the message names the
//! value and what is allowed; nothing is written); 130 / 143 stopped by SIGINT /
//! SIGTERM.

use crate::commands::compare::{self, GateArgs};
use crate::commands::connect::{self, ConnectArgs};
use crate::commands::league::{self, LeagueArgs};
use crate::commands::merge::{self, MergeArgs};
use crate::commands::plot::{self, PlotArgs};
use crate::commands::replay::{self, ReplayArgs};
use crate::commands::report::{self, ReportArgs};
use crate::commands::run::{self, RunArgs};
use crate::commands::serve;
use crate::commands::{self, CommandError, print_stdout};
use clap::{Parser, Subcommand};
use std::io::Write;
use std::process::ExitCode;

/// holdem-arena: plays millions of No-Limit Hold'em hands between bots and reports
/// each bot's win rate (bb/100 with 95% confidence intervals).
#[derive(Parser, Debug)]
#[command(version = env!("HOLDEM_ARENA_VERSION"), about)]
pub struct Cli {
    /// What to do.
    #[command(subcommand)]
    pub command: Command,
}

/// The subcommands.
#[derive(Subcommand, Debug)]
pub enum Command {
    /// Play hands between bots and write bots.csv, seats.csv and run.json.
    Run(RunArgs),
    /// Paired comparison: play --candidate and --baseline on the same seeds, deals and
    /// seats against --vs opponents; print the difference in bb/100 with its interval.
    Compare(GateArgs),
    /// CI gate: exit 0 when --candidate is not worse than the baseline by more than
    /// --margin bb/100, 1 when it is, 2 on bad input (SPRT or fixed-sample test).
    Gate(GateArgs),
    /// League: every pair of --bots plays a duplicate heads-up match (or, with
    /// --format table:K, every K of them play in every seat order of a balanced
    /// design); prints and writes the crosstable (league.csv, crosstable.svg), each
    /// bot's result (field.csv) and Bradley–Terry ratings with 95% intervals
    /// (ratings.csv), each run's files under OUT/pairs/ or OUT/tables/.
    League(LeagueArgs),
    /// Merge runs of the same match made with other seeds: each bot's win rate and 95%
    /// interval over all their blocks (writes merged.csv).
    Merge(MergeArgs),
    /// Draw each bot's win rate as a run's hands add up, with its 95% interval, from
    /// the run's blocks.csv (writes RUN/winrate.svg).
    Plot(PlotArgs),
    /// Write one self-contained page, DIR/report.html, for a run folder (summary
    /// table, win-rate plot, depths and latency, settings) or a league folder
    /// (ratings, crosstable, field, settings): inline SVG and CSS, no scripts.
    Report(ReportArgs),
    /// Replay one hand of a run street by street (or, with --phh, in PHH).
    Replay(ReplayArgs),
    /// A local Open Poker / Claw Poker server: WebSocket bots started by hand join
    /// the lobby, are seated with --house-bots, and play --hands hands with stacks
    /// carried over; writes the result files per bot name.
    Serve(serve::ServeArgs),
    /// List the built-in bots, one per line.
    Bots,
    /// List the platforms' table presets (`--table`): blinds, seats, buy-in range,
    /// default stack, action timeout, and the document each comes from.
    Tables,
    /// Write shell completions for SHELL to stdout, e.g. `holdem-arena completions
    /// bash > ~/.local/share/bash-completion/completions/holdem-arena`.
    Completions {
        /// The shell: bash, zsh, fish, elvish or powershell.
        shell: clap_complete::Shell,
    },
    /// Rank 5 to 7 card hands: from the arguments or, one hand per line, from stdin.
    /// Prints `strength<TAB>category<TAB>description` per hand.
    Eval {
        /// Hands such as "Ah Kd Qs Jh Tc 2d 3c" (one quoted argument each), or the
        /// cards of a single hand as separate arguments. Reads stdin when empty.
        cards: Vec<String>,
    },
    /// Play a registered bot over the wire: read Open Poker server messages as JSON
    /// lines on stdin (`table_joined`, `hand_start`, `your_turn`, ...) and write each
    /// `action` reply as one line on stdout, notes on stderr; exit 0 at end of input.
    /// `--bots 'exec:holdem-arena connect --bot tag'` plays a built-in bot through the
    /// protocol. With --url, play on an Open Poker WebSocket server instead: exit 0
    /// when it closes normally, 1 when it fails, closes abnormally or stays silent
    /// past --idle-limit.
    Connect(ConnectArgs),
}

/// Parses arguments, runs the command, prints errors; the whole program.
pub fn main() -> ExitCode {
    let cli = Cli::parse();
    match dispatch(cli) {
        Ok(code) => code,
        Err(e) => {
            // Not eprintln!: a closed stderr must not turn an error into a panic.
            let _ = writeln!(std::io::stderr(), "error: {e}");
            ExitCode::from(e.exit_code())
        }
    }
}

/// Runs one parsed command.
///
/// # Errors
/// The command's [`CommandError`] (see its exit codes).
pub fn dispatch(cli: Cli) -> Result<ExitCode, CommandError> {
    match cli.command {
        Command::Run(args) => run::run(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Gate(args) => compare::gate(&args),
        Command::League(args) => league::league(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Plot(args) => plot::plot(&args),
        Command::Replay(args) => replay::replay(&args),
        Command::Report(args) => report::report(&args),
        Command::Serve(args) => serve::serve(args),
        Command::Bots => commands::list_bots(),
        Command::Tables => commands::list_tables(),
        Command::Eval { cards } => commands::eval::eval(&cards),
        Command::Completions { shell } => {
            use clap::CommandFactory;
            let mut script = Vec::new();
            clap_complete::generate(shell, &mut Cli::command(), "holdem-arena", &mut script);
            print_stdout(&String::from_utf8_lossy(&script))?;
            Ok(ExitCode::SUCCESS)
        }
        Command::Connect(args) => connect::connect(args),
    }
}
