CREATE FOREIGN DATA WRAPPER pgsd_dummy_fdw;
CREATE SERVER remote FOREIGN DATA WRAPPER pgsd_dummy_fdw OPTIONS (host 'a');
CREATE FOREIGN TABLE ft (id int OPTIONS (column_name 'ID'), v text) SERVER remote OPTIONS (table_name 'x');
