"""Finance's adapters: its projections, exports, the fee statement, the scheme file."""
