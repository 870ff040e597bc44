//! Privacy rules shared by the recorder and the analyzer: masking, URL scrubbing, PII redaction.
