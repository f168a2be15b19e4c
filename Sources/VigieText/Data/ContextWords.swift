// The words that open a context, per language, as the normalizer leaves them (lower case, no
// accents, an apostrophe is a space). `where quoted`, `where negated`, `where addressed` and
// `where self` read them (VigieText/TextContext.swift). Each line of a table is one cue; a cue of
// several words must appear as written, in a row. To add one, add a line and a case to
// Tests/VigieKitTests/Text/TextContextTests.swift.

extension ContextWords {
    /// Reporting frames: after one of them, the rest of the clause reports what someone says or
    /// calls someone (`si vous dites`, `arretez de traiter les gens de`, `saying`, `decir que`).
    package static let framesTable: [String: String] = [
        "fr": """
            si vous dites
            si tu dis
            quand on dit
            quand vous dites
            quand tu dis
            arretez de dire
            arrete de dire
            arreter de dire
            dire que
            dit que
            disent que
            qui disent
            ose dire
            osent dire
            traiter quelqu un de
            traiter les gens de
            traiter les autres de
            traiter de
            traite de
            traites de
            traitee de
            traitent de
            traitez de
            traitent les gens de
            me traite de
            m a traite de
            m a traitee de
            on m a dit
            il m a dit
            elle m a dit
            ils m ont dit
            appeler quelqu un
            le mot
            """,
        "en": """
            saying
            say that
            says that
            said that
            if you say
            when you say
            stop saying
            calling someone
            calling people
            calling me
            called me
            call people
            call someone
            stop calling
            the word
            the term
            """,
        "es": """
            decir que
            dice que
            dicen que
            dijo que
            si dices
            si decis
            cuando dices
            dejen de decir
            deja de decir
            llamar a alguien
            llamar a la gente
            me llamo
            me llamaron
            le llaman
            les llaman
            la palabra
            """,
    ]

    /// Negation cues that deny what follows in their clause (`ne`, `not`, `nunca`).
    package static let negationsTable: [String: String] = [
        "fr": """
            ne
            n
            pas
            jamais
            aucun
            aucune
            ni
            sans
            """,
        "en": """
            not
            never
            no
            nobody
            nothing
            none
            nor
            neither
            without
            """,
        "es": """
            no
            nunca
            jamas
            nadie
            ni
            ninguno
            ninguna
            nada
            tampoco
            sin
            """,
    ]

    /// French words that deny only with `ne` before them in the clause (`ne ... plus`, `ne ...
    /// personne`), and that also deny when they follow the word (`je deteste pas`, `tuer personne`).
    package static let frenchAfter: Set<String> = ["pas", "jamais", "plus", "rien", "personne", "aucun", "aucune"]
    package static let frenchNeedsNe: Set<String> = ["plus", "rien", "personne"]

    /// Words that speak to the reader or to someone in the conversation.
    package static let secondPersonTable: [String: String] = [
        "fr": "tu t te toi ta ton tes vous votre vos",
        "en": "you your youre yours yourself yourselves u ur ya",
        "es": "tu te ti usted ustedes os vosotros vosotras contigo tus vos eres sos estas",
    ]

    /// Vocatives: they address whoever the next word names (`espece de connard`, `sale con`).
    package static let vocativesTable: [String: String] = [
        "fr": """
            espece de
            bande de
            sale
            gros
            grosse
            pauvre
            """,
        "en": """
            you
            hey
            """,
        "es": """
            pedazo de
            maldito
            maldita
            """,
    ]

    /// Cues that the writer speaks about themself (`je suis`, `j ai ete`, `i m`, `soy`).
    package static let selfTable: [String: String] = [
        "fr": """
            je suis
            suis
            j etais
            j ai ete
            je peux etre
            je me sens
            je me trouve
            moi
            """,
        "en": """
            i m
            im
            i am
            i was
            i ve been
            i feel
            i can be
            myself
            me
            """,
        "es": """
            soy
            fui
            era
            estoy
            me siento
            yo
            """,
    ]

    /// Words that open a new clause (`mais`, `but`, `pero`): a negation or a frame before them does
    /// not reach past them.
    package static let clauseWords: Set<String> = ["mais", "car", "donc", "sinon", "but", "because", "so", "pero", "porque", "sino", "aunque"]
}
