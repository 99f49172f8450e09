//! `energy-sim`: the market simulator. It runs the same `energy-market` code as the chain.
//!
//! ```text
//! energy-sim clear [--input book.json] [--output result.json]
//! ```
//! Standard input and output are used when no file is given. See the README, section
//! "Simulator", for the JSON schema. On bad input it prints `error: …` to standard error
//! and exits with status 2.

mod clear;
mod schema;

use clap::{Parser, Subcommand};
use std::{
	io::{Read, Write},
	path::PathBuf,
	process::ExitCode,
};

#[derive(Parser)]
#[command(name = "energy-sim", about = "Clears energy order books with the chain's market code")]
struct Cli {
	#[command(subcommand)]
	command: Command,
}

#[derive(Subcommand)]
enum Command {
	/// Clear one order book (JSON) and write trades, prices, losses and satisfaction (JSON).
	Clear {
		/// The order book; standard input if absent.
		#[arg(long)]
		input: Option<PathBuf>,
		/// Where to write the result; standard output if absent.
		#[arg(long)]
		output: Option<PathBuf>,
	},
}

fn main() -> ExitCode {
	match run(Cli::parse()) {
		Ok(()) => ExitCode::SUCCESS,
		Err(message) => {
			eprintln!("error: {message}");
			ExitCode::from(2)
		},
	}
}

fn run(cli: Cli) -> Result<(), String> {
	match cli.command {
		Command::Clear { input, output } => {
			let text = match &input {
				Some(path) => std::fs::read_to_string(path)
					.map_err(|e| format!("cannot read {}: {e}", path.display()))?,
				None => {
					let mut text = String::new();
					std::io::stdin()
						.read_to_string(&mut text)
						.map_err(|e| format!("cannot read standard input: {e}"))?;
					text
				},
			};
			let book: schema::BookInput =
				serde_json::from_str(&text).map_err(|e| format!("invalid order book: {e}"))?;
			let result = clear::clear(&book)?;
			let json = serde_json::to_string_pretty(&result).map_err(|e| e.to_string())?;
			match &output {
				Some(path) => std::fs::write(path, json + "\n")
					.map_err(|e| format!("cannot write {}: {e}", path.display()))?,
				None => {
					let mut out = std::io::stdout().lock();
					writeln!(out, "{json}").map_err(|e| e.to_string())?;
				},
			}
			Ok(())
		},
	}
}
