CREATE TABLE vehicles (id int NOT NULL);
CREATE TABLE machines (id int NOT NULL, power_kw numeric);
CREATE TABLE cars (id int NOT NULL, power_kw numeric, model text) INHERITS (machines);
INSERT INTO vehicles VALUES (1);
INSERT INTO cars VALUES (2, 4, 'estate');
INSERT INTO machines VALUES (3, 1.5);
