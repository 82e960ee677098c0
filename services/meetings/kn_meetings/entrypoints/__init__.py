"""HTTP entry points: routes translate requests to commands and answers; no rules here."""
