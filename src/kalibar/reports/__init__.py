"""Reports the programmes owe, computed from the data: UNODC's Illicit Arms Flows
Questionnaire (IAFQ), the Roadmap's half-year progress and SDG 16.4.2 by period."""
