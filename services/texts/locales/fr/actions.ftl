## The pages an action link opens.

add-evidence = Ajouter un lien de preuve
milestone = Jalon
acting-as = Ce que vous envoyez est enregistré à votre nom :
done = Enregistré, merci
done-text = Le jalon est à jour. Ce lien a servi et n’enregistrera plus rien.
broken = Ce lien ne fonctionne pas
broken-text = Vérifiez que le lien a été copié en entier depuis le courriel, ou mettez le jalon à jour sur le suivi.
expired = Ce lien a expiré
expired-text = Les liens des rappels fonctionnent 14 jours. Le prochain rappel en apporte de nouveaux, ou mettez le jalon à jour sur le suivi.
used = Ce lien a déjà servi
used-text = Il ne fonctionne qu’une fois, et rien de plus n’a été enregistré. Ouvrez le jalon sur le suivi pour le voir.
changed = Le jalon a changé après l’envoi de ce courriel
changed-text = Quelqu’un l’a mis à jour depuis, ce lien n’enregistre donc rien. Ouvrez le jalon sur le suivi pour voir ce qui a changé.
not-allowed = Ce lien ne fonctionne plus pour vous
not-allowed-text = Le compte a été désactivé ou déconnecté partout, ou ne peut plus mettre à jour les jalons de ce pays. Rien n’a été enregistré.
open-milestone = Ouvrir le jalon sur le suivi
