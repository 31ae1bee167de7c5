## The framework's vocabulary: principles, life-cycle stages, responsible authorities, risks,
## DPI system types. Ids are the catalogue's codes.

principle-F1 = Do no harm
principle-F2 = Do not discriminate
principle-F3 = Do not exclude
principle-F4 = Reinforce transparency and accountability
principle-F5 = Uphold the rule of law
principle-F6 = Promote autonomy and agency
principle-F7 = Foster community engagement
principle-F8 = Ensure effective remedy and redress
principle-F9 = Focus on future sustainability
principle-O1 = Leverage market dynamics
principle-O2 = Evolve with evidence
principle-O3 = Ensure data privacy by design
principle-O4 = Assure data security by design
principle-O5 = Ensure data protection during use
principle-O6 = Respond to gender, ability or age
principle-O7 = Practice inclusive governance
principle-O8 = Sustain financial viability
principle-O9 = Build and share open assets

stage-L1 = Conception and Scoping
stage-L2 = Strategy and Design
stage-L3 = Development
stage-L4 = Deployment
stage-L5 = Operations and Maintenance

authority-R1 = Government
authority-R2 = Regulator
authority-R3 = Donor
authority-R4 = Technology Provider
authority-R5 = Advocates (civil society)

risk-RS1 = Privacy vulnerability
risk-RS2 = Digital insecurity
risk-RS3 = Physical insecurity
risk-RS4 = Lack of recourse
risk-RI1 = Discrimination
risk-RI2 = Unequal access
risk-RI3 = Exclusion
risk-RI4 = Disempowerment
risk-SV1 = Digital distrust
risk-SV2 = Weak rule of law
risk-SV3 = Weak institutions
risk-SV4 = Technical shortcomings
risk-SV5 = Unsustainability

dpi-system-digital-id = Digital ID
dpi-system-payments = Payments
dpi-system-data-exchange = Data exchange
dpi-system-registries = Registries
dpi-system-other = Other
