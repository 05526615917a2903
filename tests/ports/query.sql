-- query.sql - the second sqlite3 run of ports.scenario: the database file
-- the first run left on the disk, a join and aggregates.
SELECT 'rows', count(*), sum(salary) FROM emp;
SELECT 'dept', d.name, count(e.id), printf('%.1f', avg(e.salary))
  FROM dept d JOIN emp e ON e.dept = d.id
  WHERE e.name NOT LIKE 'temp%'
  GROUP BY d.id ORDER BY d.name;
SELECT 'top', name FROM emp ORDER BY salary DESC LIMIT 1;
SELECT 'check', integrity_check FROM pragma_integrity_check;
SELECT 'journal', journal_mode FROM pragma_journal_mode;
SELECT 'json', json_object('n', 42, 'a', json_array(1, 2));
SELECT 'math', 7 / 2, 7 / 2.0, round(3.14159, 3), 1e308 * 10;
