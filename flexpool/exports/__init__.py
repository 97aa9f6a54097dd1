"""A statement in the formats finance imports: CSV (Dutch Excel), XLSX, UBL 2.1 (SI-UBL 2.0)."""
