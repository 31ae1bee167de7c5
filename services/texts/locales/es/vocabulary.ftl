## The framework's vocabulary: principles, life-cycle stages, responsible authorities, risks,
## DPI system types. Ids are the catalogue's codes.

principle-F1 = No causar daño
principle-F2 = No discriminar
principle-F3 = No excluir
principle-F4 = Reforzar la transparencia y la rendición de cuentas
principle-F5 = Defender el estado de derecho
principle-F6 = Promover la autonomía y la capacidad de acción
principle-F7 = Fomentar la participación de la comunidad
principle-F8 = Garantizar vías de recurso y reparación efectivas
principle-F9 = Centrarse en la sostenibilidad futura
principle-O1 = Aprovechar la dinámica del mercado
principle-O2 = Evolucionar a partir de datos empíricos
principle-O3 = Garantizar la privacidad de los datos desde el diseño
principle-O4 = Asegurar la seguridad de los datos desde el diseño
principle-O5 = Garantizar la protección de los datos durante su uso
principle-O6 = Tener en cuenta el género, la capacidad o la edad
principle-O7 = Practicar una gobernanza inclusiva
principle-O8 = Mantener la viabilidad financiera
principle-O9 = Crear y compartir recursos abiertos

stage-L1 = Concepción y definición del alcance
stage-L2 = Estrategia y diseño
stage-L3 = Desarrollo
stage-L4 = Despliegue
stage-L5 = Funcionamiento y mantenimiento

authority-R1 = Gobierno
authority-R2 = Organismo regulador
authority-R3 = Donante
authority-R4 = Proveedor de tecnología
authority-R5 = Defensores (sociedad civil)

risk-RS1 = Vulnerabilidad de la privacidad
risk-RS2 = Inseguridad digital
risk-RS3 = Inseguridad física
risk-RS4 = Falta de vías de recurso
risk-RI1 = Discriminación
risk-RI2 = Desigualdad de acceso
risk-RI3 = Exclusión
risk-RI4 = Pérdida de autonomía
risk-SV1 = Desconfianza digital
risk-SV2 = Debilidad del estado de derecho
risk-SV3 = Debilidad de las instituciones
risk-SV4 = Deficiencias técnicas
risk-SV5 = Falta de sostenibilidad

dpi-system-digital-id = Identidad digital
dpi-system-payments = Pagos
dpi-system-data-exchange = Intercambio de datos
dpi-system-registries = Registros
dpi-system-other = Otro
