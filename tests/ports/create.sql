-- create.sql - the first sqlite3 run of ports.scenario: a database file
-- on the disk, two tables, rows in one transaction.
CREATE TABLE dept(id INTEGER PRIMARY KEY, name TEXT NOT NULL UNIQUE);
CREATE TABLE emp(id INTEGER PRIMARY KEY, name TEXT, dept INTEGER REFERENCES dept(id), salary REAL);
BEGIN;
INSERT INTO dept(name) VALUES ('eng'), ('ops'), ('sales');
INSERT INTO emp(name, dept, salary) VALUES
  ('ada', 1, 120000), ('brian', 2, 85000), ('carol', 1, 135000),
  ('dave', 3, 70000), ('erin', 2, 91000);
WITH RECURSIVE n(i) AS (SELECT 1 UNION ALL SELECT i + 1 FROM n WHERE i < 2000)
INSERT INTO emp(name, dept, salary) SELECT 'temp' || i, 3, 1000 + i FROM n;
COMMIT;
DELETE FROM emp WHERE name LIKE 'temp%' AND id % 2 = 0;
SELECT 'created', count(*) FROM emp;
