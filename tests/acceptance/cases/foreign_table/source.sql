CREATE FOREIGN DATA WRAPPER pgsd_dummy_fdw;
CREATE SERVER remote FOREIGN DATA WRAPPER pgsd_dummy_fdw OPTIONS (host 'b', port '5432');
CREATE FOREIGN TABLE ft (id int OPTIONS (column_name 'id2') NOT NULL, v text, w int) SERVER remote OPTIONS (table_name 'y');
CREATE USER MAPPING FOR PUBLIC SERVER remote OPTIONS (user 'app');
CREATE FOREIGN TABLE ft2 (a int) SERVER remote;
