//! `energy-sim`: the market simulator. It runs the same `energy-market` code as the chain.
//!
//! ```text
//! energy-sim clear [--input book.json] [--output result.json]
//! energy-sim sweep [--table 7|8|all] [--seeds 5] [--out-dir results]
//! ```
//! Standard input and output are used when no file is given. See the README, section
//! "Simulator", for the JSON schema. On bad input it prints `error: …` to standard error
//! and exits with status 2.

mod clear;
mod schema;
mod sweep;

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
	/// Reproduce the paper's Table 7 (zones) and Table 8 (participants): CSV and PNG charts.
	Sweep {
		/// `7`, `8` or `all`.
		#[arg(long, default_value = "all")]
		table: String,
		/// Seeds per row (mean and standard deviation are reported).
		#[arg(long, default_value_t = 5)]
		seeds: u64,
		/// The first seed; rows use seeds `first-seed .. first-seed + seeds`.
		#[arg(long, default_value_t = 1)]
		first_seed: u64,
		/// Where the CSV and PNG files go.
		#[arg(long, default_value = "results")]
		out_dir: PathBuf,
		/// Write only the CSV files (no matplotlib needed).
		#[arg(long)]
		no_plot: bool,
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
		Command::Sweep { table, seeds, first_seed, out_dir, no_plot } => {
			if seeds == 0 {
				return Err("--seeds must be at least 1".into());
			}
			let tables: Vec<(&str, Vec<sweep::Scenario>)> = match table.as_str() {
				"7" => vec![("table7", sweep::table7())],
				"8" => vec![("table8", sweep::table8())],
				"all" => vec![("table7", sweep::table7()), ("table8", sweep::table8())],
				other => return Err(format!("--table must be 7, 8 or all, not {other:?}")),
			};
			std::fs::create_dir_all(&out_dir)
				.map_err(|e| format!("cannot create {}: {e}", out_dir.display()))?;
			let mut written = Vec::new();
			for (name, rows) in tables {
				let csv = sweep::run_table(name, &rows, seeds, first_seed)?;
				let path = out_dir.join(format!("{name}.csv"));
				std::fs::write(&path, &csv)
					.map_err(|e| format!("cannot write {}: {e}", path.display()))?;
				println!("{}", path.display());
				written.push(path);
			}
			if !no_plot {
				let status = std::process::Command::new("python3")
					.arg("-c")
					.arg(include_str!("plot_sweep.py"))
					.arg(&out_dir)
					.args(&written)
					.status()
					.map_err(|e| {
						format!("cannot run python3 for the charts ({e}); use --no-plot")
					})?;
				if !status.success() {
					return Err("drawing the charts failed (is matplotlib installed? \
						`pip install matplotlib`, or use --no-plot)"
						.into());
				}
			}
			Ok(())
		},
	}
}
