/// The fixed data the server answers with: assistants, the model catalogue and the texts of
/// the seeded threads.
enum Fixtures {
    /// An assistant of the demo user.
    struct AssistantRecord: Sendable {
        var id: Int
        var openAIID: String
        var name: String
        var image: String
        var model: String
        var modelAI: String
        var instructions: String
        var threadHistories: [(threadID: String, firstMessage: String)]
    }

    /// A model of the catalogue.
    struct ModelRecord: Sendable {
        var name: String
        var provider: String
        var contextWindow: Int
        var description: String
    }

    /// The three assistants of `GET /api/v1/user/assistants`.
    static let assistants: [AssistantRecord] = [
        AssistantRecord(
            id: 602,
            openAIID: "asst_mock602Juridique",
            name: "Assistant juridique",
            image: "https://ai.dragonflygroup.fr/uploads/assistants/juridique.png",
            model: "mistral-small-24b",
            modelAI: "mistral-small-24b",
            instructions: "Tu réponds aux questions de droit des contrats, en citant tes sources.",
            threadHistories: [
                (threadID: "1001", firstMessage: "Quelle est la durée de préavis d'un bail commercial ?"),
                (threadID: "1004", firstMessage: "Rédige une clause de confidentialité."),
            ]
        ),
        AssistantRecord(
            id: 603,
            openAIID: "asst_mock603Comptable",
            name: "Assistant comptable",
            image: "https://ai.dragonflygroup.fr/uploads/assistants/comptable.png",
            model: "llama-3.3-70b",
            modelAI: "llama-3.3-70b",
            instructions: "Tu aides à lire et classer les factures et les notes de frais.",
            threadHistories: [
                (threadID: "1002", firstMessage: "Peux-tu vérifier le total de cette facture ?")
            ]
        ),
        AssistantRecord(
            id: 604,
            openAIID: "asst_mock604Redaction",
            name: "Assistant rédaction",
            image: "https://ai.dragonflygroup.fr/uploads/assistants/redaction.png",
            model: "qwen2.5-32b",
            modelAI: "qwen2.5-32b",
            instructions: "Tu reformules des textes dans un français clair et concis.",
            threadHistories: []
        ),
    ]

    /// The assistant with this id (numeric id or `asst_…` id), if any.
    static func assistant(withID id: String) -> AssistantRecord? {
        self.assistants.first { String($0.id) == id || $0.openAIID == id }
    }

    /// The catalogue every server starts with.
    static let models: [ModelRecord] = [
        ModelRecord(name: "mistral-small-24b", provider: "Mistral AI", contextWindow: 32_768, description: "Modèle généraliste rapide."),
        ModelRecord(
            name: "mistral-large-2411",
            provider: "Mistral AI",
            contextWindow: 131_072,
            description: "Modèle de raisonnement avancé."
        ),
        ModelRecord(name: "llama-3.3-70b", provider: "Meta", contextWindow: 8192, description: "Modèle ouvert polyvalent."),
        ModelRecord(name: "qwen2.5-32b", provider: "Alibaba", contextWindow: 32_768, description: "Modèle multilingue."),
        ModelRecord(name: "gemma-3-27b", provider: "Google", contextWindow: 8192, description: "Modèle compact."),
    ]

    /// The model name answering when a request names neither a model nor a known assistant.
    static let defaultModelName = "mistral-small-24b"

    /// Subjects of the seeded threads; three of them mention the word "facture".
    static let seededSubjects: [String] = [
        "Peux-tu résumer cette facture d'électricité ?",
        "Quelle est la durée de préavis d'un bail commercial ?",
        "Rédige une clause de confidentialité",
        "Explique la différence entre TVA collectée et déductible",
        "Relance un client pour une facture impayée",
        "Traduis ce paragraphe en anglais",
        "Propose un plan pour une note de synthèse",
        "Comment classer une note de frais de déplacement ?",
        "Vérifie les montants de la facture fournisseur",
        "Reformule cet e-mail de manière plus formelle",
        "Liste les mentions obligatoires d'un devis",
    ]

    /// The first message of the seeded thread number `index` (0-based); distinct for every index.
    static func seededFirstMessage(_ index: Int) -> String {
        let subject = self.seededSubjects[index % self.seededSubjects.count]
        return "\(subject) (demande n° \(index + 1))"
    }
}
