"""The programme ledger (trainings by gender, equipment, procedures) and the indicators
computed from it joined to detections."""
