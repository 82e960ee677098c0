-- One database and one login role per service; no role may connect to another's database.
-- Passwords match the local development defaults; change them for anything but a laptop.
CREATE ROLE kn_membership LOGIN PASSWORD 'kn_membership_local';
CREATE ROLE kn_meetings LOGIN PASSWORD 'kn_meetings_local';
CREATE ROLE kn_finance LOGIN PASSWORD 'kn_finance_local';
CREATE ROLE kn_reporting LOGIN PASSWORD 'kn_reporting_local';
CREATE DATABASE kn_membership OWNER kn_membership;
CREATE DATABASE kn_meetings OWNER kn_meetings;
CREATE DATABASE kn_finance OWNER kn_finance;
CREATE DATABASE kn_reporting OWNER kn_reporting;
REVOKE ALL ON DATABASE kn_membership FROM PUBLIC;
REVOKE ALL ON DATABASE kn_meetings FROM PUBLIC;
REVOKE ALL ON DATABASE kn_finance FROM PUBLIC;
REVOKE ALL ON DATABASE kn_reporting FROM PUBLIC;
