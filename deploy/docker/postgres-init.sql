-- One database and two login roles per service; no role may connect to another's database.
-- kn_<service>_owner owns the database and creates the tables (KN_<SERVICE>_OWNER_DATABASE_URL);
-- the service runs as kn_<service>, which may read and append to its event log but never
-- UPDATE, DELETE or TRUNCATE it (the owner grants it that much: kn_servicekit.roles).
-- Passwords match the local development defaults; change them for anything but a laptop.
CREATE ROLE kn_membership LOGIN PASSWORD 'kn_membership_local';
CREATE ROLE kn_meetings LOGIN PASSWORD 'kn_meetings_local';
CREATE ROLE kn_finance LOGIN PASSWORD 'kn_finance_local';
CREATE ROLE kn_reporting LOGIN PASSWORD 'kn_reporting_local';
CREATE ROLE kn_membership_owner LOGIN PASSWORD 'kn_membership_owner_local';
CREATE ROLE kn_meetings_owner LOGIN PASSWORD 'kn_meetings_owner_local';
CREATE ROLE kn_finance_owner LOGIN PASSWORD 'kn_finance_owner_local';
CREATE ROLE kn_reporting_owner LOGIN PASSWORD 'kn_reporting_owner_local';
CREATE DATABASE kn_membership OWNER kn_membership_owner;
CREATE DATABASE kn_meetings OWNER kn_meetings_owner;
CREATE DATABASE kn_finance OWNER kn_finance_owner;
CREATE DATABASE kn_reporting OWNER kn_reporting_owner;
REVOKE ALL ON DATABASE kn_membership FROM PUBLIC;
REVOKE ALL ON DATABASE kn_meetings FROM PUBLIC;
REVOKE ALL ON DATABASE kn_finance FROM PUBLIC;
REVOKE ALL ON DATABASE kn_reporting FROM PUBLIC;
-- the service's role makes its read models' schemas and tables itself
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE kn_membership TO kn_membership;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE kn_meetings TO kn_meetings;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE kn_finance TO kn_finance;
GRANT CONNECT, CREATE, TEMPORARY ON DATABASE kn_reporting TO kn_reporting;
\connect kn_membership
GRANT USAGE, CREATE ON SCHEMA public TO kn_membership;
\connect kn_meetings
GRANT USAGE, CREATE ON SCHEMA public TO kn_meetings;
\connect kn_finance
GRANT USAGE, CREATE ON SCHEMA public TO kn_finance;
\connect kn_reporting
GRANT USAGE, CREATE ON SCHEMA public TO kn_reporting;
