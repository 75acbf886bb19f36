"""Fund administration: funds, LPs, commitments, capital calls, payments and what follows."""
