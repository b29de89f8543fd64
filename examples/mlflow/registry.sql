-- MLflow model registry for the demo deployment: a bank's credit-risk LLM.
--
-- Build it with:  sqlite3 examples/mlflow/mlflow.db < examples/mlflow/registry.sql
--
-- The five CREATE TABLE statements are the registry tables exactly as
-- MLflow's alembic migrations leave them in SQLite (column names, types,
-- constraint names), taken from mlflow/mlflow tests/resources/db/latest_schema.sql
-- (the schema dump MLflow's own test suite checks its migrations against)
-- and mlflow/store/model_registry/dbmodels/models.py.  Timestamps are
-- milliseconds since the Unix epoch, as MLflow writes them; stages are
-- MLflow's: None, Staging, Production, Archived.
--
-- All names, e-mail addresses and identifiers below are invented.

PRAGMA foreign_keys = ON;
BEGIN;

CREATE TABLE registered_models (
	name VARCHAR(256) NOT NULL,
	creation_time BIGINT,
	last_updated_time BIGINT,
	description VARCHAR(5000),
	CONSTRAINT registered_model_pk PRIMARY KEY (name),
	UNIQUE (name)
);

CREATE TABLE model_versions (
	name VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	creation_time BIGINT,
	last_updated_time BIGINT,
	description VARCHAR(5000),
	user_id VARCHAR(256),
	current_stage VARCHAR(20),
	source VARCHAR(500),
	run_id VARCHAR(32),
	status VARCHAR(20),
	status_message VARCHAR(500),
	run_link VARCHAR(500),
	storage_location VARCHAR(500),
	CONSTRAINT model_version_pk PRIMARY KEY (name, version),
	FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE CASCADE
);

CREATE TABLE registered_model_aliases (
	alias VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	name VARCHAR(256) NOT NULL,
	CONSTRAINT registered_model_alias_pk PRIMARY KEY (name, alias),
	CONSTRAINT registered_model_alias_name_fkey FOREIGN KEY(name) REFERENCES registered_models (name) ON DELETE CASCADE ON UPDATE CASCADE
);

CREATE TABLE registered_model_tags (
	key VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	name VARCHAR(256) NOT NULL,
	CONSTRAINT registered_model_tag_pk PRIMARY KEY (key, name),
	FOREIGN KEY(name) REFERENCES registered_models (name) ON UPDATE CASCADE
);

CREATE TABLE model_version_tags (
	key VARCHAR(250) NOT NULL,
	value VARCHAR(5000),
	name VARCHAR(256) NOT NULL,
	version INTEGER NOT NULL,
	CONSTRAINT model_version_tag_pk PRIMARY KEY (key, name, version),
	FOREIGN KEY(name, version) REFERENCES model_versions (name, version) ON UPDATE CASCADE
);

-- ---------------------------------------------------------------------
-- Registered models

INSERT INTO registered_models (name, creation_time, last_updated_time, description) VALUES
	('credit-risk-llm', 1730707200000, 1744624800000,
	 'Drafts credit-risk assessment memos for retail loan applications; a credit officer reviews every memo before a decision.'),
	('kyc-embedder', 1739181600000, 1739354400000,
	 'Embeds customer KYC documents for duplicate and fraud search.');

INSERT INTO registered_model_tags (key, value, name) VALUES
	('owner', 'credit-risk-analytics', 'credit-risk-llm'),
	('risk_tier', 'high', 'credit-risk-llm'),
	('use_case', 'creditworthiness assessment (EU AI Act Annex III 5(b))', 'credit-risk-llm'),
	('owner', 'financial-crime-ml', 'kyc-embedder');

-- ---------------------------------------------------------------------
-- credit-risk-llm: v1 never promoted (no approval), v2 approved then
-- archived, v3 approved and in Production behind the "champion" alias.

INSERT INTO model_versions (name, version, creation_time, last_updated_time, description,
	user_id, current_stage, source, run_id, status, status_message, run_link, storage_location) VALUES
	('credit-risk-llm', 1, 1730707200000, 1730707200000,
	 'LoRA fine-tune on 2024 Q2 loan files; first candidate.',
	 'priya.sharma@bank.example', 'None',
	 's3://bank-ml-artifacts/credit-risk/1/3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d/artifacts/model',
	 '3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d', 'READY', NULL, '',
	 's3://bank-ml-artifacts/credit-risk/1/3f2a9c1d8e7b4a6f9c0d1e2f3a4b5c6d/artifacts/model'),
	('credit-risk-llm', 2, 1737367200000, 1744624800000,
	 'Retrained with 2024 Q3 data and the revised adverse-action reasons.',
	 'priya.sharma@bank.example', 'Archived',
	 's3://bank-ml-artifacts/credit-risk/1/7b1e4d2c9a8f4e3b8d7c6b5a4f3e2d1c/artifacts/model',
	 '7b1e4d2c9a8f4e3b8d7c6b5a4f3e2d1c', 'READY', NULL, '',
	 's3://bank-ml-artifacts/credit-risk/1/7b1e4d2c9a8f4e3b8d7c6b5a4f3e2d1c/artifacts/model'),
	('credit-risk-llm', 3, 1744279200000, 1744624800000,
	 'Retrained on loans-2024q4; bias review MRC-2025-014 passed.',
	 'rahul.menon@bank.example', 'Production',
	 's3://bank-ml-artifacts/credit-risk/1/c4d5e6f7a8b94c0d9e1f2a3b4c5d6e7f/artifacts/model',
	 'c4d5e6f7a8b94c0d9e1f2a3b4c5d6e7f', 'READY', NULL, '',
	 's3://bank-ml-artifacts/credit-risk/1/c4d5e6f7a8b94c0d9e1f2a3b4c5d6e7f/artifacts/model');

INSERT INTO model_version_tags (key, value, name, version) VALUES
	('dataset', 'loans-2024q2', 'credit-risk-llm', 1),
	('base_model', 'mistralai/Mistral-7B-Instruct-v0.3', 'credit-risk-llm', 1),
	('approval', 'approved_by:model-risk-committee', 'credit-risk-llm', 2),
	('dataset', 'loans-2024q3', 'credit-risk-llm', 2),
	('model_card', 'https://models.example/credit-risk-llm/v2', 'credit-risk-llm', 2),
	('base_model', 'mistralai/Mistral-7B-Instruct-v0.3', 'credit-risk-llm', 2),
	('approval', 'approved_by:model-risk-committee', 'credit-risk-llm', 3),
	('approval_ticket', 'MRC-2025-014', 'credit-risk-llm', 3),
	('dataset', 'loans-2024q4', 'credit-risk-llm', 3),
	('model_card', 'https://models.example/credit-risk-llm/v3', 'credit-risk-llm', 3),
	('base_model', 'mistralai/Mistral-7B-Instruct-v0.3', 'credit-risk-llm', 3),
	('validated_by', 'model validation team <mv-team@bank.example>', 'credit-risk-llm', 3);

INSERT INTO registered_model_aliases (alias, version, name) VALUES
	('champion', 3, 'credit-risk-llm');

-- ---------------------------------------------------------------------
-- kyc-embedder: v1 in Staging, approved, but without a model_card tag.

INSERT INTO model_versions (name, version, creation_time, last_updated_time, description,
	user_id, current_stage, source, run_id, status, status_message, run_link, storage_location) VALUES
	('kyc-embedder', 1, 1739181600000, 1739354400000,
	 'Sentence embedder fine-tuned on redacted KYC documents.',
	 'svc-mlflow-ci', 'Staging',
	 's3://bank-ml-artifacts/kyc/4/0a1b2c3d4e5f40718293a4b5c6d7e8f9/artifacts/model',
	 '0a1b2c3d4e5f40718293a4b5c6d7e8f9', 'READY', NULL, '',
	 's3://bank-ml-artifacts/kyc/4/0a1b2c3d4e5f40718293a4b5c6d7e8f9/artifacts/model');

INSERT INTO model_version_tags (key, value, name, version) VALUES
	('approval', 'approved_by:model-risk-committee', 'kyc-embedder', 1),
	('dataset', 'kyc-docs-2024', 'kyc-embedder', 1);

COMMIT;
