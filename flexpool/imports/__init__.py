"""Reading the files HR and rostering systems export (CSV, XLSX) into rows of cells."""
