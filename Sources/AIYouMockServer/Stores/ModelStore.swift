import NIOConcurrencyHelpers

/// The model catalogue: the fixture models plus the ones created through the API.
final class ModelStore: Sendable {
    private let models = NIOLockedValueBox(Fixtures.models)

    /// Every model, fixtures first, then created models in creation order.
    var all: [Fixtures.ModelRecord] { self.models.withLockedValue { $0 } }

    /// Adds (or replaces, by name) a model.
    func add(_ model: Fixtures.ModelRecord) {
        self.models.withLockedValue { models in
            if let index = models.firstIndex(where: { $0.name == model.name }) {
                models[index] = model
            } else {
                models.append(model)
            }
        }
    }

    /// The models grouped by provider, providers in order of first appearance.
    var byProvider: [(provider: String, models: [Fixtures.ModelRecord])] {
        var groups: [(provider: String, models: [Fixtures.ModelRecord])] = []
        for model in self.all {
            if let index = groups.firstIndex(where: { $0.provider == model.provider }) {
                groups[index].models.append(model)
            } else {
                groups.append((provider: model.provider, models: [model]))
            }
        }
        return groups
    }
}
