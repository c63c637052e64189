"""Analysis: seizure statistics (figures, trends, map) and regional early warning."""
