mod ledger;
mod settlement;
