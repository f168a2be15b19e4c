// The texting tables, one per language: how people shorten or glue words when they type fast.
//
// Each line `SHORT = WORDS` says that SHORT is written for WORDS. Both sides are written as the
// normalizer leaves them: lower case, no accents, an apostrophe is a space (`t es` for "t'es").
// A line `glue: ...` lists the short words that people glue to the next word ("jvais", "jte",
// "larabe"). To add a form, add a line and a case to Tests/VigieKitTests/Text/WordVariantsTests.swift.

extension Texting {
    /// The tables by language code.
    package static let tables: [String: String] = [
        "fr": """
            glue: j je t te m me l s qu d n
            jvais = je vais
            jvai = je vais
            jsuis = je suis
            chui = je suis
            chuis = je suis
            jsui = je suis
            jte = je te
            jme = je me
            jle = je le
            jla = je la
            jles = je les
            jpeux = je peux
            jveux = je veux
            jsais = je sais
            jsp = je sais pas
            jpense = je pense
            jai = j ai
            g = j ai
            t = t es
            t = te
            m = me
            tes = t es
            t es = tu es
            c = c est
            cest = c est
            ces = c est
            ct = c etait
            ki = qui
            koi = quoi
            kan = quand
            ke = que
            k = que
            pk = pourquoi
            pq = pourquoi
            pkoi = pourquoi
            pcq = parce que
            psk = parce que
            tkt = t inquiete
            ntm = nique ta mere
            nik = nique
            fdp = fils de pute
            tg = ta gueule
            ptn = putain
            slt = salut
            bjr = bonjour
            stp = s il te plait
            svp = s il vous plait
            ya = il y a
            vs = vous
            ns = nous
            tt = tout
            ts = tous
            tjr = toujours
            tjrs = toujours
            bcp = beaucoup
            mtn = maintenant
            dla = de la
            jamai = jamais
            oklm = au calme
            """,
        "es": """
            glue:
            q = que
            k = que
            xq = porque
            pq = porque
            porq = porque
            xk = porque
            tb = tambien
            tmb = tambien
            hdp = hijo de puta
            hdlgp = hijo de la gran puta
            ptm = puta madre
            ctm = concha de tu madre
            tqm = te quiero mucho
            x = por
            xa = para
            pa = para
            d = de
            dnd = donde
            toy = estoy
            tas = estas
            tmr = tu madre
            """,
        "en": """
            glue:
            u = you
            ya = you
            ur = your
            ur = you are
            r = are
            im = i m
            kys = kill yourself
            stfu = shut the fuck up
            wtf = what the fuck
            gtfo = get the fuck out
            idc = i don t care
            idk = i don t know
            gonna = going to
            wanna = want to
            gotta = got to
            pls = please
            plz = please
            thx = thanks
            ppl = people
            cuz = because
            bc = because
            luv = love
            """,
    ]
}
