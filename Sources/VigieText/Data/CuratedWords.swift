/// Hand-chosen everyday words per language: a few hundred frequent words of comments to a shop
/// (orders, delivery, service, feelings), chosen to contain the short letter sequences that
/// insult, spam and threat lists tend to hold (`con`, `cul`, `ass`, `tit`, `puta`, `culo`...).
/// `term/short-substring` shows which of them a short substring term would fire inside.
extension CommonWords {
    package static let curatedFr: [String] = """
        bonjour merci content contente contents contact contacter concerne concernant conseil conseiller \
        second seconde seconds confiance confirmer confirmation condition conditions connaissance connu \
        raconter rencontre rencontrer encontre concours consommateur consommateurs conforme construire \
        culture calcul calculer reculer particulier particulièrement ridicule véhicule circuler spectaculaire \
        cultiver occulter bascule disputer dispute réputation réputée computer imputer députée \
        habite habiter habitude orbite cohabiter annuler annulation nullement fichier fichiers \
        emmerder commande commander commandes livraison livrer colis paquet retard remboursement rembourser \
        reçu réponse répondre service client clients clientèle vendeur boutique magasin produit produits \
        lampe lampes suspension abat ampoule verre couleur qualité prix promotion paiement payer \
        facture adresse numéro semaine semaines jours aujourd hui demain hier toujours jamais encore \
        attendre attente patience problème problèmes question questions information informations \
        vraiment tellement beaucoup parfait parfaite super superbe magnifique sublime joli jolie \
        ravie ravi heureux heureuse déçu déçue déception dommage malheureusement cependant pourtant \
        compte comptes compter passer passe assez classe classique masse massif assistance assister \
        associer association casser cassée pass passage passion \
        tapis titre titulaire petit petite appetit partir parti sortie ortie capitale hospitalité \
        connexion reconnaître inconnu économie économique connaître concevoir sensible console \
        bitume bitcoin cabine cabinet \
        pendant pendule suspendre apprendre comprendre prendre entendre attendre vendre rendre \
        salut salaire salon assiette saluer paris parisien baguette bague bagage \
        putain dispute imputation \
        analyse canal banal annaliste
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    package static let curatedEn: [String] = """
        hello thanks thank please order orders ordered delivery delivered package parcel shipping shipment \
        refund return returned tracking customer service support store shop product products lamp lamps \
        shade bulb glass price payment invoice address number week weeks today tomorrow yesterday \
        always never again waiting wait patience problem problems question questions information \
        really great perfect beautiful lovely happy disappointed unfortunately however \
        class classic glass grass pass passed passenger passage passion assist assistance assistant \
        assume assembly assess asset embarrassed massive mass bass brass compass harass classified \
        title titles petition competition quantity attitude appetite constitution institution \
        document documents cucumber circumstance accumulate \
        hell hello shell shellfish michelle \
        cockpit peacock hitchcock shuttlecock \
        night nights knight \
        shoe shoes \
        scrap scrape \
        parse sparse \
        standard standards \
        spicy suspicious conspicuous \
        grape grapes drape therapist \
        analysis analyst canal banal \
        skill skills skilled \
        diet soldier audience \
        begun \
        client believe applied \
        sussex essex \
        scunthorpe \
        button buttons cotton \
        assignment
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)

    package static let curatedEs: [String] = """
        hola gracias pedido pedidos entrega envío paquete retraso reembolso devolución seguimiento \
        cliente clientes tienda producto productos lámpara lámparas pantalla bombilla cristal precio \
        pago factura dirección número semana semanas hoy mañana ayer siempre nunca todavía esperar \
        espera paciencia problema problemas pregunta preguntas información realmente perfecto perfecta \
        precioso preciosa encanta encantada encantado contento contenta lamentablemente \
        disputa computadora computar imputar reputación \
        película películas vehículo artículo artículos cálculo calcular ridículo músculo círculo \
        particular cultura \
        conocer conozco reconocer conocido desconocido cono \
        vergüenza avergonzado \
        América americano \
        cómputo \
        consumo consumidor contacto contestar consejo condición confirmar \
        pollo pollos \
        cabrona \
        tontería
        """.split(whereSeparator: { $0 == " " || $0 == "\n" }).map(String.init)
}
