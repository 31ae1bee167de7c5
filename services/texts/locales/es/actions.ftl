## The pages an action link opens.

add-evidence = Añadir un enlace de evidencia
milestone = Hito
acting-as = Lo que envíe se registra a su nombre:
done = Registrado, gracias
done-text = El hito está actualizado. Este enlace ya cumplió su función y no registrará nada más.
broken = Este enlace no funciona
broken-text = Compruebe que copió el enlace completo del correo, o actualice el hito en el seguimiento.
expired = Este enlace ha caducado
expired-text = Los enlaces de los recordatorios funcionan 14 días. El próximo recordatorio trae otros nuevos, o actualice el hito en el seguimiento.
used = Este enlace ya se usó
used-text = Funciona una sola vez y no se registró nada más. Abra el hito en el seguimiento para verlo.
changed = El hito cambió después de enviarse este correo
changed-text = Alguien lo actualizó desde entonces, así que este enlace no registra nada. Abra el hito en el seguimiento para ver qué cambió.
not-allowed = Este enlace ya no funciona para usted
not-allowed-text = La cuenta fue desactivada o se cerraron todas sus sesiones, o ya no puede actualizar hitos en este país. No se registró nada.
open-milestone = Abrir el hito en el seguimiento
