## The framework's vocabulary: principles, life-cycle stages, responsible authorities, risks,
## DPI system types. Ids are the catalogue's codes.

principle-F1 = Ne pas nuire
principle-F2 = Ne pas discriminer
principle-F3 = Ne pas exclure
principle-F4 = Renforcer la transparence et la responsabilité
principle-F5 = Faire respecter l'état de droit
principle-F6 = Promouvoir l'autonomie et la capacité d'agir
principle-F7 = Favoriser la participation des communautés
principle-F8 = Garantir des recours et une réparation effectifs
principle-F9 = Viser la durabilité à long terme
principle-O1 = Tirer parti de la dynamique du marché
principle-O2 = Évoluer en fonction des données probantes
principle-O3 = Garantir la confidentialité des données dès la conception
principle-O4 = Assurer la sécurité des données dès la conception
principle-O5 = Garantir la protection des données pendant leur utilisation
principle-O6 = Tenir compte du genre, des capacités ou de l'âge
principle-O7 = Pratiquer une gouvernance inclusive
principle-O8 = Maintenir la viabilité financière
principle-O9 = Créer et partager des ressources ouvertes

stage-L1 = Conceptualisation et cadrage
stage-L2 = Stratégie et conception
stage-L3 = Développement
stage-L4 = Déploiement
stage-L5 = Exploitation et maintenance

authority-R1 = Gouvernement
authority-R2 = Autorité de régulation
authority-R3 = Donateur
authority-R4 = Fournisseur de technologies
authority-R5 = Défenseurs (société civile)

risk-RS1 = Vulnérabilité de la vie privée
risk-RS2 = Insécurité numérique
risk-RS3 = Insécurité physique
risk-RS4 = Absence de recours
risk-RI1 = Discrimination
risk-RI2 = Inégalité d'accès
risk-RI3 = Exclusion
risk-RI4 = Perte d'autonomie
risk-SV1 = Défiance envers le numérique
risk-SV2 = Faiblesse de l'état de droit
risk-SV3 = Faiblesse des institutions
risk-SV4 = Lacunes techniques
risk-SV5 = Manque de durabilité

dpi-system-digital-id = Identité numérique
dpi-system-payments = Paiements
dpi-system-data-exchange = Échange de données
dpi-system-registries = Registres
dpi-system-other = Autre
