import HTTPTypes
import Hummingbird

extension CloudServer {
    /// The Open Inference Protocol (KServe v2) routes.
    func addKServeRoutes(to router: Router<BasicRequestContext>) {
    }
}
