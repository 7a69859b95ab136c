import HTTPTypes
import Hummingbird

extension CloudServer {
    /// `POST /v1/batches`, `GET /v1/batches/{id}`, `GET /v1/batches/{id}/results`.
    func addBatchRoutes(to router: Router<BasicRequestContext>) {
    }
}
