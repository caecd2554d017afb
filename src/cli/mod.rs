//! The command line: the only code that prints or writes files. `args.rs` holds what clap
//! parses, `files.rs` the atomic writes and printing, `progress.rs` the progress bar, and
//! each command has a module that checks its arguments, calls the library, and hands the
//! bytes `omnisim::output` renders to `files.rs`. Every error maps to one exit code and is
//! printed once, with a hint.

mod args;
mod backtest;
mod compare;
mod erlang;
mod files;
mod fit;
mod gate;
mod import;
mod init;
mod interrupt;
mod merge;
mod messages;
mod plan;
mod progress;
mod roster;
mod run;
mod scenario_args;
mod shards;
mod sweep;
mod validate;

use std::process::ExitCode;

use clap::Parser;

use omnisim::error::{EXIT_BAD_INPUT, EXIT_FAILURE, ScenarioError, SimulationError};

use args::{Cli, Command};

/// Parses arguments, runs the command, prints any error, and returns the exit code.
pub fn run() -> ExitCode {
    let cli = Cli::parse();
    messages::set_format(cli.message_format);
    interrupt::install();
    let command_name = cli.command.name();
    match run_command(cli.command) {
        Ok(()) => ExitCode::SUCCESS,
        Err(error) => {
            let hint = error.hint.clone().unwrap_or_else(|| {
                format!("`omnisim {command_name} --help` explains every option, with examples")
            });
            messages::error(&error, &hint);
            ExitCode::from(error.exit_code)
        }
    }
}

fn run_command(command: Command) -> Result<(), CliError> {
    match command {
        Command::Validate {
            scenario,
            overlays,
            print,
            allow_outside,
        } => validate::validate(&scenario, &overlays, print, allow_outside),
        Command::Run(args) => run::run(&args),
        Command::Merge(args) => merge::merge(&args),
        Command::Compare(args) => compare::compare(&args),
        Command::Erlang(args) => erlang::erlang(&args),
        Command::Sweep(args) => sweep::sweep(&args),
        Command::Plan(args) => plan::plan(&args),
        Command::Roster(args) => roster::roster(&args),
        Command::Import(args) => import::import(&args),
        Command::Fit(args) => fit::fit(&args),
        Command::Backtest(args) => backtest::backtest(&args),
        Command::Init { path, force } => init::init(&path, force),
        Command::Schema => {
            files::print_stdout(omnisim::scenario::raw::scenario_json_schema().as_bytes())
        }
    }
}

/// An error with the exit code it maps to and, where there is one, what to do about it.
#[derive(Debug)]
pub struct CliError {
    pub message: String,
    pub exit_code: u8,
    /// One line on what to try next; `main` supplies a command's `--help` when absent.
    pub hint: Option<String>,
    /// The scenario's problems, when that is what went wrong, to show one by one.
    pub scenario_error: Option<Box<ScenarioError>>,
}

impl From<ScenarioError> for CliError {
    fn from(error: ScenarioError) -> CliError {
        let hint = match &error {
            ScenarioError::Unreadable { reason, .. } if reason == "no such file" => {
                "check the path; `omnisim init my_scenario.toml` writes a commented starter scenario"
            }
            ScenarioError::Unreadable { .. } => {
                "a scenario, overlay or staffing file is a regular UTF-8 TOML file of at most 32 MiB; check that the path names one (README.md, Limits)"
            }
            // An overlay (outage_chat.toml, sickout.toml) validated alone lacks the base's
            // sections: say how it is meant to be used.
            ScenarioError::Invalid { problems, .. }
                if problems
                    .iter()
                    .any(|problem| problem.reason.contains("missing field `simulation`")) =>
            {
                "if this file is an overlay (a partial scenario), validate it on its base: `omnisim validate BASE.toml --with OVERLAY.toml`"
            }
            ScenarioError::Invalid { .. } => {
                "fix the keys named above (`omnisim validate FILE` lists every problem); scenarios/ holds working examples"
            }
        };
        CliError {
            message: error.to_string(),
            exit_code: EXIT_BAD_INPUT,
            hint: Some(hint.into()),
            scenario_error: Some(Box::new(error)),
        }
    }
}

impl CliError {
    /// Bad input from the user: exit code 2.
    pub fn bad_input(message: impl Into<String>) -> CliError {
        CliError {
            message: message.into(),
            exit_code: EXIT_BAD_INPUT,
            hint: None,
            scenario_error: None,
        }
    }

    /// A failure while running or writing: exit code 1.
    pub fn failure(message: impl Into<String>, hint: Option<&str>) -> CliError {
        CliError {
            message: message.into(),
            exit_code: EXIT_FAILURE,
            hint: hint.map(str::to_string),
            scenario_error: None,
        }
    }

    /// The same error with `hint`.
    pub fn with_hint(mut self, hint: impl Into<String>) -> CliError {
        self.hint = Some(hint.into());
        self
    }
}

impl From<SimulationError> for CliError {
    fn from(error: SimulationError) -> CliError {
        match &error {
            SimulationError::Conservation(_) => CliError::failure(
                error.to_string(),
                Some("this is a bug in omnisim; please report it with the scenario and seed"),
            ),
            SimulationError::Threads(_) => CliError::failure(
                error.to_string(),
                Some("give fewer --threads (or leave it out)"),
            ),
            SimulationError::Staffing(_) => CliError::bad_input(error.to_string())
                .with_hint("choose staffing levels within the limits named above"),
        }
    }
}

/// A chart that could not be drawn (the renderer's message names it).
fn chart_failure(message: String) -> CliError {
    CliError::failure(
        message,
        Some("--no-charts skips the charts and report.html; please report this"),
    )
}
